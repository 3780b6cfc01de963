#include "tools/faultproxy/link_shaper.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace dancu::faultproxy {

namespace {

double Seconds(LinkShaper::Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

LinkShaper::LinkShaper(TimePoint now, uint64_t rate_bps, Duration latency)
    : rate_bps_(rate_bps), latency_(latency), tokens_(0), refilled_at_(now) {
  tokens_ = burst_bytes();
}

double LinkShaper::burst_bytes() const {
  return std::max(512.0, static_cast<double>(rate_bps_) / 8.0 * 0.020);
}

void LinkShaper::Refill(TimePoint now) {
  if (now <= refilled_at_) return;
  if (rate_bps_ != 0) {
    tokens_ = std::min(burst_bytes(), tokens_ + Seconds(now - refilled_at_) * static_cast<double>(rate_bps_) / 8.0);
  }
  refilled_at_ = now;
}

void LinkShaper::SetRate(uint64_t rate_bps, TimePoint now) {
  Refill(now);
  rate_bps_ = rate_bps;
  tokens_ = std::min(tokens_, burst_bytes());
}

void LinkShaper::Push(std::string_view bytes, TimePoint now) {
  if (bytes.empty()) return;
  Chunk chunk{std::string(bytes), 0, now + latency_};
  // Bytes leave in order: a chunk never becomes ready before the one ahead of it.
  if (last_ready_at_ && chunk.ready_at < *last_ready_at_) chunk.ready_at = *last_ready_at_;
  last_ready_at_ = chunk.ready_at;
  queued_ += bytes.size();
  queue_.push_back(std::move(chunk));
}

double LinkShaper::Threshold() const {
  const Chunk& head = queue_.front();
  return std::min(static_cast<double>(head.bytes.size() - head.offset), burst_bytes());
}

std::string_view LinkShaper::Ready(TimePoint now) {
  Refill(now);
  if (queue_.empty()) return {};
  const Chunk& head = queue_.front();
  if (head.ready_at > now) return {};
  size_t n = head.bytes.size() - head.offset;
  if (rate_bps_ != 0) {
    if (tokens_ < Threshold()) return {};
    n = std::min(n, static_cast<size_t>(std::floor(tokens_)));
  }
  return std::string_view(head.bytes).substr(head.offset, n);
}

void LinkShaper::Consume(size_t n) {
  assert(!queue_.empty() || n == 0);
  if (n == 0) return;
  Chunk& head = queue_.front();
  assert(n <= head.bytes.size() - head.offset);
  head.offset += n;
  queued_ -= n;
  if (rate_bps_ != 0) tokens_ -= static_cast<double>(n);
  if (head.offset == head.bytes.size()) queue_.pop_front();
}

std::optional<LinkShaper::TimePoint> LinkShaper::NextReady(TimePoint now) const {
  if (queue_.empty()) return std::nullopt;
  TimePoint at = std::max(now, queue_.front().ready_at);
  if (rate_bps_ != 0) {
    // Tokens at `at` (no cap matters: Threshold() <= burst), then the wait for the rest.
    const double rate = static_cast<double>(rate_bps_) / 8.0;
    const double tokens_at = std::min(burst_bytes(), tokens_ + std::max(0.0, Seconds(at - refilled_at_)) * rate);
    const double missing = Threshold() - tokens_at;
    if (missing > 0) {
      // A microsecond more than needed, so that rounding never makes Ready(at) come up short.
      at += std::chrono::ceil<Duration>(std::chrono::duration<double>(missing / rate)) +
            std::chrono::microseconds(1);
    }
  }
  return at;
}

LinkShaper::TimePoint LinkShaper::LastReadyAt(TimePoint now) const {
  return std::max(last_ready_at_.value_or(now), now + latency_);
}

}  // namespace dancu::faultproxy
