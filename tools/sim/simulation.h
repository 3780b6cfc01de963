// One seed of the deterministic network simulation (`dancu sim`, docs/simulator.md).
//
// RunSeed copies a world template, opens every node (real node::Node, real RocksDB, each with its
// own simulated wall clock = simulated time + its skew), and runs simulated days of events drawn
// from one seeded PRNG: officers adding, correcting, moving and recording deaths of residents at
// every level (often the same residents concurrently), sessions (replication::Session pairs, the
// real protocol) between children and parents and between sibling communes over a network that
// loses, delays, duplicates and reorders frames, partitions lasting days, node crashes and restarts
// at any moment (power cuts: in-flight sessions are lost, and each node's disk, storage/fault_fs.h,
// keeps only what was synced, the last write torn), clocks skewed by days either way, and forged changes
// (a commune signing a change outside its authority, as a tampered laptop would). Then it heals
// the network (every link up, no faults) and syncs until nothing moves, and checks:
//   1. every change any node acknowledged (an accepted Append) is at central;
//   2. convergence: every node passes storage::VerifyStore, its state digest equals the fold of
//      central's log restricted to the node's version vector, and it holds every change to the
//      records homed in its part of the tree;
//   3. no forged change was applied anywhere but at its author, and a receiver quarantined it;
//   4. no origin is held compromised (equivocation) anywhere;
//   5. durability: a node restarted after a power cut holds every change it held before (each was
//      acknowledged: an accepted Append, an applied Ingest), with the same state hash.
// The events, and the trace of what happened, depend only on the seed and the configuration: a
// failing seed replays exactly (compare trace hashes).
//
// Not thread-safe: it swaps libsodium's random source while it runs. Errors: Status for failures
// of the harness itself (a temp dir that cannot be made); a failed check is a SimResult.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "tools/sim/network.h"
#include "tools/sim/world.h"

namespace dancu::sim {

struct SimConfig {
  uint64_t seed = 1;
  int days = 10;
  int officer_events_per_day = 0;  // 0: 5 per commune + 10
  FaultRates faults;
  double partition_per_link_day = 0.15;
  double crash_per_node_day = 0.10;
  double crash_during_session = 0.04;  // per session: one end crashes mid-transfer
  double skew_per_node_day = 0.10;
  double forge_per_seed = 0.3;         // probability of one forged change in the run
  double restore_per_seed = 0.3;       // probability that one commune is restored from an older copy
                                       // of its data directory (made 1 h to half the run earlier)
  double bundle_route_per_link = 0.3;  // a child-parent link that also carries bundles (every 6 h-2 days),
                                       // half of them nothing else until healing
  int heal_rounds = 16;                // at most this many rounds of syncing every link after healing
  // Each trace line, if set (the trace hash covers the same lines).
  std::function<void(const std::string&)> trace;
};

struct SimResult {
  bool ok = true;
  std::string failure;  // "check 1: ..." when !ok
  uint64_t trace_hash = 0;
  uint64_t events = 0;
  uint64_t frames = 0;
  uint64_t appends = 0;          // changes acknowledged
  uint64_t rejected = 0;         // drafts refused by a node (no authority, not held, invalid)
  uint64_t sessions_synced = 0;
  uint64_t sessions_cut = 0;     // lost to a crash, a partition, a stall or a protocol error
  uint64_t session_errors = 0;
  uint64_t crashes = 0;          // power cuts: each drops what its node's disk had not synced
  uint64_t cut_bytes = 0;        // unsynced bytes the power cuts dropped
  uint64_t cut_files = 0;        // files they cut short or removed
  uint64_t partitions = 0;
  uint64_t forged = 0;
  uint64_t restores = 0;         // nodes reopened from an older copy of their data
  uint64_t bundles = 0;          // bundle files imported (a copy cut short is not counted)
  uint64_t quarantined = 0;      // quarantine entries over all nodes
  uint64_t conflicts = 0;        // conflict entries at central
  uint64_t heal_rounds = 0;
  std::map<std::string, std::string> digests;  // node name -> state hash (hex), after healing
  std::string central_digest;
};

// Runs one seed on a copy of `world` made in `work_dir` (removed afterwards unless `keep`).
Result<SimResult> RunSeed(const WorldTemplate& world, const SimConfig& config, const std::string& work_dir,
                          bool keep = false);

// One line for the operator: "seed 7 ok trace 1f2e... events 812 ..." or "seed 7 FAILED check 2: ...".
std::string Summary(uint64_t seed, const SimResult& result);

}  // namespace dancu::sim
