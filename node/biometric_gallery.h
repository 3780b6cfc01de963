// The fingerprint templates a node holds at rest, decrypted for matching: the commune's gallery
// for the duplicate check of a new enrollment, or one resident's fingers for verification.
//
// Templates are read from the blobs that node/enrollment.h writes (bio/rest/<record>/<finger>;
// an empty blob means none is held) and decrypted with the node's data key. A Gallery owns the
// plaintext and wipes it when destroyed. Thread-safety: loading is as safe as Store reads; a
// Gallery is not synchronised. Errors: IOError from the store, Corruption for a blob that does
// not decrypt (altered, or moved to another record's key).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/biometric_crypto.h"
#include "node/biometric_parts.h"
#include "storage/store.h"

namespace dancu::node {

struct TemplateOwner {
  std::string record_id;
  BiometricPart finger = BiometricPart::kRightThumb;
};

class Gallery {
 public:
  void Add(TemplateOwner owner, BiometricData template_bytes);

  size_t size() const { return owners_.size(); }
  bool empty() const { return owners_.empty(); }
  const TemplateOwner& owner(size_t i) const { return owners_[i]; }
  const BiometricData& template_at(size_t i) const { return templates_[i]; }

 private:
  std::vector<TemplateOwner> owners_;
  std::vector<BiometricData> templates_;
};

// The key of the at-rest blob of `part` of `record_id`: "bio/rest/<record id>/<part name>".
std::string AtRestKey(std::string_view record_id, BiometricPart part);

// Every finger template held at rest on this node, in key order, except that of `except` (the
// finger being enrolled again).
Result<Gallery> LoadGallery(const storage::Store& store, const DataKey& key,
                            const std::optional<TemplateOwner>& except);

// The templates held for `record_id`'s fingers: all of them, or only `finger`'s.
Result<Gallery> LoadResidentTemplates(const storage::Store& store, const DataKey& key,
                                      const std::string& record_id,
                                      std::optional<BiometricPart> finger);

}  // namespace dancu::node
