// The on-disk and on-wire form of an origin's change log (docs/log-format.md).
//
// An origin's log is a sequence of LogEntry messages in canonical bytes, seq 1, 2, 3 ... with no
// gaps, the leaves of one Merkle tree (storage/merkle.h: entry seq is leaf seq - 1). A Checkpoint
// is a signed tree head: the origin's Ed25519 signature over (origin, size, root). One signature
// authenticates every entry up to `size`, each on its own with an inclusion proof, and two heads of
// one origin are provably consistent (one tree a prefix of the other) or evidence of a fork.
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/change.capnp.h"
#include "storage/crypto.h"
#include "storage/status.h"

namespace dancu::storage {

// The version of the log format a store holds (layout::kFormatKey). Format 1 chained entries by
// hash; format 2 makes each origin's log a Merkle tree.
inline constexpr uint32_t kLogFormat = 2;

// The canonical bytes of a LogEntry holding `change`.
std::string EncodeEntry(schema::Change::Reader change);

// The bytes an origin signs for a checkpoint: "dancu/tree-head/v2" || origin || size || root,
// integers big-endian.
std::string CheckpointMessage(uint64_t origin, uint64_t size, const Hash256& root);

// The canonical bytes of a Checkpoint over the tree of `size` entries with `root`, signed with
// `key` (whose node id is the origin).
std::string EncodeCheckpoint(const SigningKey& key, uint64_t size, const Hash256& root);

// Checks a decoded checkpoint's signature with `key`. Corruption on a bad length or signature.
Status VerifyCheckpoint(schema::Checkpoint::Reader checkpoint, const PublicKey& key);

// Copies a 32-byte Data field into a Hash256; Corruption if it is not 32 bytes.
Result<Hash256> HashFromData(capnp::Data::Reader data, std::string_view what);

// Proof hashes travel and are stored as one byte string, 32 bytes per hash, in proof order.
std::string PackHashes(const std::vector<Hash256>& hashes);
// Corruption if `bytes` is not a whole number of hashes or holds more than `max_hashes`.
Result<std::vector<Hash256>> UnpackHashes(std::string_view bytes, size_t max_hashes, std::string_view what);

}  // namespace dancu::storage
