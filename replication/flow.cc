#include "replication/flow.h"

#include <algorithm>
#include <string>

namespace dancu::replication {

namespace {
uint64_t Lookup(const std::map<uint64_t, uint64_t>& map, uint64_t origin) {
  auto it = map.find(origin);
  return it == map.end() ? 0 : it->second;
}
}  // namespace

void SendFlow::OnConnect(const storage::VersionVector& peer_holds) {
  OnDisconnect();
  for (const auto& [origin, seq] : peer_holds) acked_[origin] = std::max(acked_[origin], seq);
}

void SendFlow::OnDisconnect() {
  in_flight_.clear();
  credit_ = 0;
}

void SendFlow::OnCredit(uint32_t segments) { credit_ += segments; }

void SendFlow::OnAck(uint64_t origin, uint64_t seq) {
  // The receiver holds every entry up to seq (perhaps from another peer): segments it covers are
  // done with.
  if (seq > Acked(origin)) acked_[origin] = seq;
  in_flight_.erase(std::remove_if(in_flight_.begin(), in_flight_.end(),
                                  [&](const SegmentSpan& s) { return s.origin == origin && s.last_seq <= seq; }),
                   in_flight_.end());
}

bool SendFlow::OnShortAck(uint64_t origin, uint64_t seq) {
  OnAck(origin, seq);
  auto it = std::find_if(in_flight_.begin(), in_flight_.end(), [&](const SegmentSpan& s) { return s.origin == origin; });
  if (it == in_flight_.end()) return false;
  // Everything of this origin sent after the one dealt with follows it, so it cannot apply either.
  in_flight_.erase(std::remove_if(in_flight_.begin(), in_flight_.end(),
                                  [&](const SegmentSpan& s) { return s.origin == origin; }),
                   in_flight_.end());
  return true;
}

uint64_t SendFlow::NextSeq(uint64_t origin) const {
  for (auto it = in_flight_.rbegin(); it != in_flight_.rend(); ++it) {
    if (it->origin == origin) return it->last_seq + 1;
  }
  return Acked(origin) + 1;
}

Status SendFlow::OnSent(const SegmentSpan& span) {
  if (credit_ == 0) return Status::FailedPrecondition("segment sent without credit");
  if (span.first_seq != NextSeq(span.origin) || span.last_seq < span.first_seq) {
    return Status::FailedPrecondition("segment " + std::to_string(span.first_seq) + ".." +
                                      std::to_string(span.last_seq) + " of origin " + std::to_string(span.origin) +
                                      " does not start at seq " + std::to_string(NextSeq(span.origin)));
  }
  --credit_;
  ++sent_;
  uint64_t& highest = highest_sent_[span.origin];
  if (span.first_seq <= highest) ++resent_;
  highest = std::max(highest, span.last_seq);
  in_flight_.push_back(span);
  return Status::Ok();
}

uint64_t SendFlow::Acked(uint64_t origin) const { return Lookup(acked_, origin); }

uint32_t ReceiveFlow::OnConnect(const storage::VersionVector& held) {
  held_ = held;
  outstanding_ = window_;
  return window_;
}

ReceiveFlow::Decision ReceiveFlow::OnSegment(const SegmentSpan& span) {
  if (outstanding_ == 0) return {Verdict::kOverCredit};
  --outstanding_;
  uint64_t held = Held(span.origin);
  if (span.last_seq <= held) return {Verdict::kDuplicate};
  if (span.first_seq > held + 1) return {Verdict::kGap};
  return {Verdict::kApply, held + 1 - span.first_seq};
}

ReceiveFlow::Reply ReceiveFlow::OnApplied(const SegmentSpan& span) { return OnDealtWith(span, span.last_seq); }

ReceiveFlow::Reply ReceiveFlow::OnDealtWith(const SegmentSpan& span, uint64_t held_now) {
  uint64_t& held = held_[span.origin];
  held = std::max(held, held_now);
  ++outstanding_;
  return {span.origin, held, 1};
}

uint64_t ReceiveFlow::Held(uint64_t origin) const { return Lookup(held_, origin); }

}  // namespace dancu::replication
