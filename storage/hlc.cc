#include "storage/hlc.h"

#include <chrono>

namespace dancu::storage {

uint64_t HybridClock::Now() {
  uint64_t candidate = Pack(wall_(), 0);
  last_ = candidate > last_ ? candidate : last_ + 1;
  return last_;
}

uint64_t HybridClock::Observe(uint64_t remote, uint64_t max_ahead_ms) {
  const uint64_t bound = Pack(wall_() + max_ahead_ms, 0xffff);
  const uint64_t clamped = remote < bound ? remote : bound;
  if (clamped > last_) last_ = clamped;
  return clamped;
}

uint64_t HybridClock::SystemMillis() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace dancu::storage
