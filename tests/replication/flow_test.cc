// Flow control: the two state machines alone, then both over a lossy link that drops messages and
// connections at random (fixed seeds): no entry is skipped, none is applied out of order or twice,
// and a resume re-sends at most the window.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <variant>

#include "replication/flow.h"

namespace dancu::replication {
namespace {

TEST_CASE("the sender sends only against credit and in order") {
  SendFlow s;
  s.OnConnect({{7, 10}});
  CHECK(s.NextSeq(7) == 11);
  CHECK(s.NextSeq(8) == 1);
  CHECK_FALSE(s.CanSend());
  CHECK(s.OnSent({7, 11, 20}).code() == Status::Code::kFailedPrecondition);
  s.OnCredit(2);
  CHECK(s.OnSent({7, 12, 20}).code() == Status::Code::kFailedPrecondition);  // skips seq 11
  REQUIRE(s.OnSent({7, 11, 20}).ok());
  CHECK(s.NextSeq(7) == 21);
  REQUIRE(s.OnSent({7, 21, 25}).ok());
  CHECK_FALSE(s.CanSend());
  CHECK(s.in_flight() == 2);

  s.OnAck(7, 20);
  CHECK(s.Acked(7) == 20);
  CHECK(s.in_flight() == 1);
  s.OnAck(7, 5);  // stale: ignored
  CHECK(s.Acked(7) == 20);

  SECTION("a drop resumes after the last ack and counts the re-send") {
    s.OnDisconnect();
    CHECK(s.in_flight() == 0);
    CHECK_FALSE(s.CanSend());
    s.OnConnect({});
    CHECK(s.NextSeq(7) == 21);
    s.OnCredit(1);
    REQUIRE(s.OnSent({7, 21, 25}).ok());
    CHECK(s.segments_resent() == 1);
    CHECK(s.segments_sent() == 3);
  }
  SECTION("a resume starts after what the receiver says it holds, if that is further") {
    s.OnConnect({{7, 25}});
    CHECK(s.NextSeq(7) == 26);
  }
  SECTION("an ack beyond a segment covers it") {
    s.OnAck(7, 30);
    CHECK(s.in_flight() == 0);
    CHECK(s.NextSeq(7) == 31);
  }
}

TEST_CASE("the receiver applies what continues its log, once") {
  ReceiveFlow r(2);
  CHECK(r.OnConnect({{7, 10}}) == 2);
  auto apply = r.OnSegment({7, 11, 20});
  CHECK(apply.verdict == ReceiveFlow::Verdict::kApply);
  CHECK(apply.skip == 0);
  auto reply = r.OnApplied({7, 11, 20});
  CHECK(reply.origin == 7);
  CHECK(reply.seq == 20);
  CHECK(reply.credit == 1);
  CHECK(r.Held(7) == 20);

  CHECK(r.OnSegment({7, 11, 20}).verdict == ReceiveFlow::Verdict::kDuplicate);
  CHECK(r.OnApplied({7, 11, 20}).seq == 20);
  auto overlap = r.OnSegment({7, 16, 30});
  CHECK(overlap.verdict == ReceiveFlow::Verdict::kApply);
  CHECK(overlap.skip == 5);  // 16..20 held already
  r.OnApplied({7, 16, 30});
  CHECK(r.OnSegment({7, 40, 50}).verdict == ReceiveFlow::Verdict::kGap);
  CHECK(r.OnSegment({8, 1, 3}).verdict == ReceiveFlow::Verdict::kApply);
  CHECK(r.OnSegment({8, 4, 5}).verdict == ReceiveFlow::Verdict::kOverCredit);  // credit used up
}

// A link between one sender and one receiver, with each origin's log cut at its checkpoints.
struct Ack {
  uint64_t origin, seq;
};
struct Credit {
  uint32_t segments;
};
using Msg = std::variant<SegmentSpan, Ack, Credit>;

class LossyLink {
 public:
  LossyLink(uint64_t seed, uint32_t window) : rng_(seed), receiver_(window) {
    for (uint64_t origin = 1; origin <= 3; ++origin) {
      uint64_t seq = 0;
      for (int batch = 0; batch < 40; ++batch) {
        seq += 1 + rng_() % 5;
        checkpoints_[origin].push_back(seq);
      }
    }
    Reconnect();
  }

  // One random event; `faults` allows drops and reconnects.
  void Step(bool faults) {
    unsigned roll = static_cast<unsigned>(rng_() % 100);
    if (faults && roll < 2) return Reconnect();
    if (faults && roll < 5) return DropOne();
    if (roll < 40) return Send();
    if (roll < 70) return DeliverToReceiver();
    DeliverToSender();
  }

  bool Done() const {
    for (const auto& [origin, cps] : checkpoints_) {
      if (receiver_.Held(origin) != cps.back()) return false;
    }
    return true;
  }
  bool Stalled() const { return to_receiver_.empty() && to_sender_.empty() && !sender_.CanSend(); }

  void Reconnect() {
    to_receiver_.clear();
    to_sender_.clear();
    if (sender_.segments_resent() - resent_at_connect_ > max_resent_per_connection_) {
      max_resent_per_connection_ = sender_.segments_resent() - resent_at_connect_;
    }
    resent_at_connect_ = sender_.segments_resent();
    storage::VersionVector held;
    for (const auto& [origin, cps] : checkpoints_) {
      if (receiver_.Held(origin)) held[origin] = receiver_.Held(origin);
    }
    sender_.OnConnect(held);
    to_sender_.push_back(Credit{receiver_.OnConnect(held)});
  }

  uint64_t applied() const { return applied_.size(); }
  uint64_t max_resent_per_connection() const { return max_resent_per_connection_; }
  uint64_t total_entries() const {
    uint64_t n = 0;
    for (const auto& [origin, cps] : checkpoints_) n += cps.back();
    return n;
  }

 private:
  // The segment from `first`: up to three batches, as a deterministic cutter would merge them.
  SegmentSpan Cut(uint64_t origin, uint64_t first) const {
    const auto& cps = checkpoints_.at(origin);
    auto it = std::lower_bound(cps.begin(), cps.end(), first);
    size_t merge = first % 3;
    while (merge-- > 0 && std::next(it) != cps.end()) ++it;
    return {origin, first, *it};
  }

  void Send() {
    if (!sender_.CanSend()) return;
    for (const auto& [origin, cps] : checkpoints_) {
      uint64_t next = sender_.NextSeq(origin);
      if (next > cps.back()) continue;
      SegmentSpan span = Cut(origin, next);
      REQUIRE(sender_.OnSent(span).ok());
      to_receiver_.push_back(span);
      return;
    }
  }

  void DeliverToReceiver() {
    if (to_receiver_.empty()) return;
    SegmentSpan span = std::get<SegmentSpan>(to_receiver_.front());
    to_receiver_.pop_front();
    auto decision = receiver_.OnSegment(span);
    switch (decision.verdict) {
      case ReceiveFlow::Verdict::kApply:
        for (uint64_t seq = span.first_seq + decision.skip; seq <= span.last_seq; ++seq) {
          REQUIRE(seq == last_applied_[span.origin] + 1);                 // in order, nothing skipped
          REQUIRE(applied_.insert({span.origin, seq}).second);           // once
          last_applied_[span.origin] = seq;
        }
        [[fallthrough]];
      case ReceiveFlow::Verdict::kDuplicate: {
        auto reply = receiver_.OnApplied(span);
        to_sender_.push_back(Ack{reply.origin, reply.seq});
        to_sender_.push_back(Credit{reply.credit});
        return;
      }
      case ReceiveFlow::Verdict::kGap:
      case ReceiveFlow::Verdict::kOverCredit:
        ++resets_;
        return Reconnect();
    }
  }

  void DeliverToSender() {
    if (to_sender_.empty()) return;
    Msg msg = to_sender_.front();
    to_sender_.pop_front();
    if (auto* ack = std::get_if<Ack>(&msg)) sender_.OnAck(ack->origin, ack->seq);
    if (auto* credit = std::get_if<Credit>(&msg)) sender_.OnCredit(credit->segments);
  }

  void DropOne() {
    auto& queue = rng_() % 2 ? to_receiver_ : to_sender_;
    if (queue.empty()) return;
    queue.erase(queue.begin() + static_cast<ptrdiff_t>(rng_() % queue.size()));
  }

  std::mt19937_64 rng_;
  std::map<uint64_t, std::vector<uint64_t>> checkpoints_;
  SendFlow sender_;
  ReceiveFlow receiver_;
  std::deque<Msg> to_receiver_, to_sender_;
  std::set<std::pair<uint64_t, uint64_t>> applied_;
  std::map<uint64_t, uint64_t> last_applied_;
  uint64_t resets_ = 0;
  uint64_t resent_at_connect_ = 0;
  uint64_t max_resent_per_connection_ = 0;
};

TEST_CASE("over a lossy link every entry is applied once, in order, and a resume re-sends at most the window") {
  for (uint32_t window : {1u, 2u, 4u}) {
    for (uint64_t seed = 1; seed <= 25; ++seed) {
      INFO("window " << window << " seed " << seed);
      LossyLink link(seed, window);
      for (int step = 0; step < 3000; ++step) link.Step(true);
      link.Reconnect();  // the faults end; a stalled link is reset by the session's timeout
      int steps = 0;
      while (!link.Done() && steps++ < 200000) {
        if (link.Stalled()) link.Reconnect();
        link.Step(false);
      }
      REQUIRE(link.Done());
      CHECK(link.applied() == link.total_entries());
      CHECK(link.max_resent_per_connection() <= window);
    }
  }
}

}  // namespace
}  // namespace dancu::replication
