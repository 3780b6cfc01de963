// The simulated network: links between nodes, each up or down (a partition), and the fate of every
// frame sent on one — lost, delayed, duplicated or overtaken — decided by the simulation's seeded
// PRNG. Frames of one direction arrive in order unless the PRNG reorders them.
//
// What a lost frame means: the transport (ZeroMQ over TCP) does not lose single frames of a live
// connection, but a frame can be lost when a connection breaks and reconnects; the session then
// stalls until the caller's timeout cuts it. Duplicates and reordering are harsher than TCP: they
// exercise the session's handling of a misbehaving peer (an error ends the session; nothing may
// be applied wrongly).
//
// Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tools/sim/rng.h"

namespace dancu::sim {

struct FaultRates {
  double drop = 0.002;       // per frame
  double duplicate = 0.002;  // per frame
  double reorder = 0.005;    // per frame: delivered late, out of order
  uint64_t min_latency_ms = 5;
  uint64_t max_latency_ms = 400;
  uint64_t reorder_extra_ms = 2000;
};

class SimNetwork {
 public:
  struct Link {
    int low = 0, high = 0;  // node indices: child and parent, or two sibling communes
    bool sibling = false;
    bool up = true;
    int partitions = 0;                 // how many partitions hold it down (they may overlap)
    std::array<uint64_t, 2> fifo_at{};  // last in-order delivery time per direction (0: to low)
  };

  int AddLink(int low, int high, bool sibling);
  Link& link(int i) { return links_[static_cast<size_t>(i)]; }
  const std::vector<Link>& links() const { return links_; }

  // The delivery times of a frame sent at `now` on link `i` towards side `to` (0 = low, 1 = high):
  // none if lost, two if duplicated. With `faults` false: one, in order, minimal latency.
  std::vector<uint64_t> Deliveries(int i, int to, uint64_t now, bool faults, const FaultRates& rates, Rng& rng);

 private:
  std::vector<Link> links_;
};

}  // namespace dancu::sim
