// Bundles: replication by USB stick, for a commune with no link.
//
// A bundle is what a link session would have sent one peer, in one signed file: the sender's
// certificate chain, the reference data (the chains of the origins included, every revocation),
// the sender's version vector, and the segments of the origins in the recipient's scope
// (SessionHost::Scope) that the recipient lacks, computed from the last vector the sender knows
// of it (what a synced session or the recipient's last bundle stated: SessionHost::PeerHolds).
// The file format is in replication/bundle.capnp: a header with magic and format version, the
// sender's Ed25519 signature over "dancu/bundle/v1" || body, and the canonical body.
//
// Importing verifies, in order: the structure (ParseBundle: header, size and segment caps,
// canonical bytes), the recipient (this node, else nothing is touched), the sender's chain up to
// the pinned root and that it is not revoked (SessionHost::AcceptChain; a chain that verifies is
// kept, like any reference data), and the signature with the sender's key. Only then does it take
// in the reference data and feed every segment through IngestSegment (replication/
// segment_ingest.h), the path a session uses: a refused segment is quarantined, the rest applies.
// Segments that are not causally ready yet are retried in passes until a pass makes no progress
// (a bundle holds several origins' segments in any order). Importing a bundle twice applies
// nothing the second time. Last, the sender's vector is recorded (SessionHost::PeerHolds), so the
// next bundle back to it carries only what it lacks: acknowledgements ride back with bundles.
//
// Pure functions over a SessionHost and bytes; thread-safety as the host. Errors: Corruption for
// a damaged or forged file, FailedPrecondition for one meant for another node, PermissionDenied for
// a sender the pinned root does not vouch for (or has revoked); IOError from the store.
#pragma once

#include <capnp/message.h>
#include <kj/array.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "replication/bundle.capnp.h"
#include "replication/segment_cutter.h"
#include "replication/session.h"
#include "storage/crypto.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::replication {

// The largest bundle a node writes or reads, and the most segments it may hold.
inline constexpr size_t kMaxBundleBytes = size_t{1} << 30;
inline constexpr size_t kMaxBundleSegments = size_t{1} << 20;
// Header: magic, format version, four zero bytes; then the signature; then the body.
inline constexpr std::string_view kBundleMagic = "DANCUBDL";
inline constexpr size_t kBundleHeaderBytes = 16;
inline constexpr size_t kBundleBodyOffset = kBundleHeaderBytes + 64;
// What the signature covers, before the body.
inline constexpr std::string_view kBundleDomain = "dancu/bundle/v1";

struct BundleOptions {
  CutOptions cut;
  size_t max_bytes = kMaxBundleBytes;  // segments beyond are left for the next bundle
  uint64_t now_ms = 0;                 // createdAt
};

struct BuiltBundle {
  std::string bytes;        // the file
  size_t segments = 0;
  uint64_t changes = 0;     // log entries in the segments
  size_t origins = 0;       // origins with at least one segment
  bool complete = true;     // false when max_bytes left segments for the next bundle
};

// The bundle for `recipient`, which holds at least `recipient_holds`, signed with `key` (the
// host's own signing key: Hello().node_id must be its node id). FailedPrecondition when the host
// has no certificate chain.
Result<BuiltBundle> BuildBundle(SessionHost& host, const storage::SigningKey& key, const PeerIdentity& recipient,
                                const storage::VersionVector& recipient_holds, const BundleOptions& options = {});

// A bundle file checked for structure only: nothing in it is authenticated yet. Movable.
class ParsedBundle {
 public:
  ParsedBundle(ParsedBundle&&) noexcept;
  ParsedBundle& operator=(ParsedBundle&&) noexcept;
  ~ParsedBundle();

  uint64_t sender() const { return sender_; }
  uint64_t recipient() const { return recipient_; }
  uint64_t created_ms() const { return created_ms_; }
  size_t segment_count() const { return segment_count_; }
  const std::string& sender_chain() const { return sender_chain_; }
  const std::vector<std::string>& chains() const { return chains_; }
  const std::vector<std::string>& revocations() const { return revocations_; }
  const storage::VersionVector& versions() const { return versions_; }
  // The sender's checkpoint of the recipient's own log ("" if it holds none).
  const std::string& recipient_log() const { return recipient_log_; }
  // Whether the signature verifies with `key` over the domain and the body.
  bool SignedBy(const storage::PublicKey& key) const;
  // A reader of the body with a fresh traversal budget (each pass over the segments takes one).
  struct BodyView {
    kj::ArrayPtr<const capnp::word> segment;
    std::unique_ptr<capnp::SegmentArrayMessageReader> reader;
    wire::BundleBody::Reader root;
  };
  std::unique_ptr<BodyView> Read() const;  // may throw kj::Exception only on bytes Parse refused

 private:
  friend Result<ParsedBundle> ParseBundle(std::string_view file);
  ParsedBundle();
  // kBundleDomain at bytes 1..15 of the first two words, the body from word 2 on: the signed
  // message is contiguous and the body 8-byte aligned.
  kj::Array<capnp::word> words_;
  kj::ArrayPtr<const capnp::word> body_;
  storage::Signature signature_{};
  uint64_t sender_ = 0, recipient_ = 0, created_ms_ = 0;
  size_t segment_count_ = 0;
  std::string sender_chain_, recipient_log_;
  std::vector<std::string> chains_, revocations_;
  storage::VersionVector versions_;
};

// Checks a bundle file's structure (see the file comment). Corruption naming what is wrong: not a
// bundle, an unknown format version, truncated or garbled bytes, too large, too many segments.
Result<ParsedBundle> ParseBundle(std::string_view file);

struct BundleImport {
  uint64_t sender = 0;
  size_t segments = 0;     // in the bundle
  size_t applied = 0;      // segments that added changes
  size_t duplicates = 0;   // segments held already
  size_t refused = 0;      // quarantined
  size_t waiting = 0;      // not causally ready, or continuing a refused run: a later bundle or sync
  uint64_t changes = 0;    // changes applied
  uint64_t conflicts = 0;
  std::vector<std::string> refusals;  // "origin O seq F..L: reason", one per refused segment
};

// Verifies and imports `bundle` into the host's node, whose id is `self` (see the file comment).
// `source` names the bundle in the quarantine.
Result<BundleImport> ImportBundle(SessionHost& host, const ParsedBundle& bundle, uint64_t self,
                                  const std::string& source);

}  // namespace dancu::replication
