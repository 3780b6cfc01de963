// The node's fingerprint gallery as a 1:N index (devices/identify/identifier.h), for the duplicate
// check of a new enrollment: a search reads posting lists and verifies a short list instead of
// matching every template held (libfprint's identify: ~40 ms a template).
//
// It holds the minutiae of every finger template held at rest here (node/biometric_gallery.h),
// taken from libfprint's serialised print (devices/fprint_minutiae.h). Prints of match-on-chip
// readers carry no minutiae: they are counted (unindexed()) and left to libfprint's own identify
// (node/finger_capture.h). Load builds the index from the store; the enrollment functions keep it
// current (Hold, whenever a finger's at-rest template changes), so a long-running node builds it
// once.
//
// Ownership: owns the minutiae (biometric data, never logged). Thread-safety: every method may be
// called concurrently (the identifier's locks). Errors: Load returns the store's errors and
// Corruption for a template that does not decrypt; FindMatch returns InvalidArgument for a probe
// the identifier refuses (too few minutiae: ask for the finger again).
// Cost: Load decrypts and converts every template held (linear, once); FindMatch as
// identify::Identifier::Identify; memory ~1.3 KB per finger.
#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include "devices/identify/identifier.h"
#include "node/biometric_crypto.h"
#include "node/biometric_gallery.h"
#include "storage/store.h"

namespace dancu::node {

class FingerIndex {
 public:
  static Result<std::unique_ptr<FingerIndex>> Load(const storage::Store& store, const DataKey& key);

  // The finger held here that `probe` (a print of unknown position) matches, its score reaching
  // the identifier's threshold for this gallery, best first; the template held for `enrolling`
  // itself (the finger being enrolled again) is not a match. nullopt when nothing matches.
  Result<std::optional<TemplateOwner>> FindMatch(const identify::Template& probe,
                                                 const TemplateOwner& enrolling) const;

  // `owner`'s template held at rest is now `fprint_template` (libfprint's serialised print), or
  // none (empty). A print without minutiae, or too few to search with, is counted unindexed.
  void Hold(const TemplateOwner& owner, std::string_view fprint_template);

  size_t fingers() const { return identifier_.fingers(); }
  size_t unindexed() const { return unindexed_; }

 private:
  identify::Identifier identifier_;
  std::atomic<size_t> unindexed_{0};  // templates held without usable minutiae
};

// The minutiae of a serialised libfprint print; nullopt for a print without them (a match-on-chip
// reader's).
std::optional<identify::Template> MinutiaeOf(std::string_view fprint_template);

}  // namespace dancu::node
