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
//
// Memory does not grow with the store: the logs are read once in (origin, seq) order, each origin's
// checkpoints beside them, and every change is written, keyed by (record id, origin, seq), to a
// scratch space (storage/scratch_db.h: a sort in memory up to a budget, spilling past it to a
// RocksDB in a temporary directory, removed when VerifyStore returns). A second pass reads the
// changes back by record, folds each record (the fold does not depend on order: record_fold.h) and
// joins the results with the stored records in id order; the expected index entries go to the
// scratch space too and are joined with the index; the state digest and the counters are sums.
// Decoding, hashing, signatures and folds run in chunks on up to `threads` threads. Disk used while
// it runs: about the log's size plus the index's, uncompressed, when the store exceeds the budget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

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

struct VerifyOptions {
  std::string scratch_dir;  // where the scratch directory is made; "" for the system's temporary directory
  unsigned threads = 0;     // workers for the independent work; 0 for the machine's cores, at most 4
  size_t sort_memory_bytes = 8u << 20;  // what the sort keeps in memory before it spills to disk
};

Result<VerifyReport> VerifyStore(const Store& store, const KeyLookup& key_of, const VerifyOptions& options = {});

}  // namespace dancu::storage
