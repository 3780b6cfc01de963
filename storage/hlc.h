// Hybrid logical clock: 48 bits of wall-clock milliseconds since the Unix epoch, then a 16-bit
// counter. Timestamps it issues strictly increase, even when the wall clock steps backwards (a
// laptop whose battery died), so a node's own changes are always ordered as they were made.
//
// Not thread-safe: the owner (the store's writer) serialises calls.
#pragma once

#include <cstdint>
#include <functional>

namespace dancu::storage {

class HybridClock {
 public:
  using WallClock = std::function<uint64_t()>;  // milliseconds since the Unix epoch

  // `last` is the highest timestamp this node has issued before (persisted by the store).
  explicit HybridClock(WallClock wall, uint64_t last = 0) : wall_(std::move(wall)), last_(last) {}

  // A timestamp greater than every one issued or observed before.
  uint64_t Now();
  // Takes in a timestamp received from another node, so that changes made here afterwards order
  // after it. A timestamp more than `max_ahead_ms` ahead of this node's wall clock (a laptop with
  // a wrong date) is clamped to that bound: one bad clock drags no other node's clock with it.
  // Returns the value taken in.
  uint64_t Observe(uint64_t remote, uint64_t max_ahead_ms);
  uint64_t last() const { return last_; }
  uint64_t wall_now() const { return wall_(); }  // the wall clock, ms since the Unix epoch

  static uint64_t Pack(uint64_t ms, uint64_t counter) { return (ms << 16) | (counter & 0xffff); }
  static uint64_t Millis(uint64_t hlc) { return hlc >> 16; }
  static uint64_t SystemMillis();

 private:
  WallClock wall_;
  uint64_t last_;
};

}  // namespace dancu::storage
