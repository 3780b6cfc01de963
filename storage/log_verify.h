// Verification of everything a store holds, from its change logs up.
//
// VerifyStore re-checks, for every origin's log: that entries run 1, 2, 3 ... with no gap; that each
// decodes as canonical bytes and names its own origin and seq; that the origin's Merkle tree rebuilt
// from them matches every stored tree node and gives the root each checkpoint signs, and that each
// checkpoint's Ed25519 signature verifies with the origin's key; that no entry lies beyond the last
// signed checkpoint. It then replays all
// changes into a fresh state and requires the stored records, the indexes, the stored state
// digest and the per-unit counters (storage/unit_tally.h) to equal what the replay produces.
//
// The first failure is returned as Corruption naming the origin and seq (or record) at fault.
// Reads only; thread-safe with concurrent readers and writers (it sees a moving store, so verify a
// node that is not writing).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "storage/crypto.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::storage {

struct VerifyReport {
  uint64_t origins = 0;
  uint64_t entries = 0;
  uint64_t checkpoints = 0;
  uint64_t records = 0;
  Hash256 state_hash{};  // the replayed state's digest, equal to the stored one when ok
};

// The signing key of an origin, if known.
using KeyLookup = std::function<std::optional<PublicKey>(uint64_t origin)>;

Result<VerifyReport> VerifyStore(const Store& store, const KeyLookup& key_of);

}  // namespace dancu::storage
