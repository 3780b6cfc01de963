#include "tools/sim/network.h"

#include <algorithm>

namespace dancu::sim {

int SimNetwork::AddLink(int low, int high, bool sibling) {
  Link l;
  l.low = low;
  l.high = high;
  l.sibling = sibling;
  links_.push_back(l);
  return static_cast<int>(links_.size()) - 1;
}

std::vector<uint64_t> SimNetwork::Deliveries(int i, int to, uint64_t now, bool faults, const FaultRates& rates,
                                             Rng& rng) {
  Link& l = link(i);
  uint64_t& fifo = l.fifo_at[static_cast<size_t>(to)];
  if (!faults) {
    fifo = std::max(fifo, now + rates.min_latency_ms);
    return {fifo};
  }
  if (rng.Chance(rates.drop)) return {};
  std::vector<uint64_t> out;
  const int copies = rng.Chance(rates.duplicate) ? 2 : 1;
  for (int c = 0; c < copies; ++c) {
    const uint64_t at = now + rng.Between(rates.min_latency_ms, rates.max_latency_ms);
    if (rng.Chance(rates.reorder)) {
      out.push_back(at + rng.Between(1, rates.reorder_extra_ms));  // may overtake or be overtaken
    } else {
      fifo = std::max(fifo, at);
      out.push_back(fifo);
    }
  }
  return out;
}

}  // namespace dancu::sim
