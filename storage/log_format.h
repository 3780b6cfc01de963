// The on-disk and on-wire form of an origin's change log.
//
// An origin's log is a sequence of LogEntry messages in canonical bytes, seq 1, 2, 3 ... with no
// gaps. Entry n carries prev_hash = BLAKE2b-256(bytes of entry n-1) (32 zero bytes for entry 1),
// so the hash of the newest entry (the head) commits to the whole log. A Checkpoint is the origin's
// Ed25519 signature over (origin, seq, head): one signature authenticates every entry up to seq.
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/change.capnp.h"
#include "storage/crypto.h"
#include "storage/status.h"

namespace dancu::storage {

inline constexpr Hash256 kGenesisHash{};

// The canonical bytes of a LogEntry holding `change` after an entry whose hash is `prev`.
std::string EncodeEntry(const Hash256& prev, schema::Change::Reader change);

// The bytes an origin signs for a checkpoint: "dancu/checkpoint/v1" || origin || seq || head,
// integers big-endian.
std::string CheckpointMessage(uint64_t origin, uint64_t seq, const Hash256& head);

// The canonical bytes of a Checkpoint signed with `key` (whose node id is the origin).
std::string EncodeCheckpoint(const SigningKey& key, uint64_t seq, const Hash256& head);

// Checks a decoded checkpoint's signature with `key`. Corruption on a bad length or signature.
Status VerifyCheckpoint(schema::Checkpoint::Reader checkpoint, const PublicKey& key);

// Copies a 32-byte Data field into a Hash256; Corruption if it is not 32 bytes.
Result<Hash256> HashFromData(capnp::Data::Reader data, std::string_view what);

}  // namespace dancu::storage
