// LinkShaper: one direction of an emulated link — a one-way latency followed by a token-bucket rate.
//
// Pure and clock-free: every call that depends on time takes `now`, so tests drive it with a fake
// clock and the proxy with std::chrono::steady_clock. Bytes are queued in the order they were read
// and leave in that order; nothing is ever dropped (the caller bounds the queue by not reading
// when queued_bytes() is too large).
//
// Model: a chunk read at time t may leave no earlier than t + latency; leaving bytes spend tokens
// from a bucket refilled at rate_bps / 8 bytes per second and holding at most burst_bytes(), so
// over any interval of length d at most burst_bytes() + d * rate_bps / 8 bytes leave. Rate 0 means
// unlimited. A changed latency applies to chunks pushed afterwards; a changed rate applies from
// `now` (tokens earned before are kept, up to the new burst).
//
// To avoid thousands of tiny writes on slow links, Ready() offers bytes only once the bucket holds
// enough tokens for the whole ready part of the head chunk or a full burst, whichever is smaller.
//
// Ownership: owns copies of the queued bytes. Thread-safety: none; one owner (the event loop).
// Errors: none; preconditions (Consume no more than Ready offered) are checked with assert.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace dancu::faultproxy {

class LinkShaper {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Duration = Clock::duration;

  LinkShaper(TimePoint now, uint64_t rate_bps, Duration latency);

  void SetRate(uint64_t rate_bps, TimePoint now);
  void SetLatency(Duration latency) { latency_ = latency; }
  uint64_t rate_bps() const { return rate_bps_; }
  Duration latency() const { return latency_; }

  // Queues bytes read at `now`; they may leave at now + latency.
  void Push(std::string_view bytes, TimePoint now);

  // The bytes that may be written at `now` (a prefix of the head chunk; empty if none may). The view
  // stays valid until the next non-const call.
  std::string_view Ready(TimePoint now);

  // Records that the first `n` bytes of what Ready() offered were written; spends their tokens.
  void Consume(size_t n);

  // When Ready() may next offer bytes: `now` if it offers some already, nullopt if the queue is
  // empty. Call after Ready(now) so the bucket is refilled to `now`.
  std::optional<TimePoint> NextReady(TimePoint now) const;

  // The time at which the most recently pushed chunk may leave (for delaying an end of stream by
  // the latency too); `now + latency` if nothing was ever pushed.
  TimePoint LastReadyAt(TimePoint now) const;

  size_t queued_bytes() const { return queued_; }
  bool empty() const { return queued_ == 0; }
  // Largest burst the bucket allows: max(512 bytes, 20 ms of rate).
  double burst_bytes() const;

 private:
  struct Chunk {
    std::string bytes;
    size_t offset = 0;
    TimePoint ready_at;
  };
  void Refill(TimePoint now);
  // Tokens needed before the head chunk's ready part is offered.
  double Threshold() const;

  uint64_t rate_bps_;
  Duration latency_;
  double tokens_;           // bytes the bucket allows now (as of refilled_at_)
  TimePoint refilled_at_;
  std::deque<Chunk> queue_;
  size_t queued_ = 0;
  std::optional<TimePoint> last_ready_at_;
};

}  // namespace dancu::faultproxy
