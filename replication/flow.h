// Credit-based flow control and acknowledgements of one link, as two small state machines.
//
// The receiver grants credit: how many more segments it accepts on this connection (its window,
// then one more per segment it has dealt with). The sender sends a segment only against credit,
// each segment of an origin continuing the one before, and keeps it in flight until the receiver
// acknowledges (origin, last seq) once the segment is durably applied. So at most `window`
// segments are ever unacknowledged.
//
// A connection that drops loses what was in flight. On the next connection both sides start from
// what the receiver holds (its version vector, exchanged first) and the sender resumes right after
// it: a resume re-sends at most the window (1 by default: at most one segment). Within a connection
// messages arrive in order or not at all (TCP, ZeroMQ), so a segment that does not continue what the
// receiver holds means something was lost: the receiver refuses it (kGap) and the session resets
// the connection rather than guess. A segment whose entries the receiver partly holds already is
// applied from the first entry it lacks; one it holds whole is a duplicate, acknowledged again and
// applied no more: every (origin, seq) is applied once.
//
// Plain objects, no I/O and no clock: one per link side, used by the thread that owns the link.
// Errors: FailedPrecondition when the caller breaks the protocol (sending without credit, or out of
// order). An ack is a statement of what the receiver holds, so any ack is taken as it is.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include "replication/segment.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::replication {

inline constexpr uint32_t kDefaultWindow = 1;

class SendFlow {
 public:
  // A new connection: the peer holds `peer_holds`; nothing is in flight and there is no credit yet.
  void OnConnect(const storage::VersionVector& peer_holds);
  // The connection dropped: what was in flight is to be sent again.
  void OnDisconnect();

  void OnCredit(uint32_t segments);
  void OnAck(uint64_t origin, uint64_t seq);
  // An ack that stops short of the segment in flight for `origin`: the receiver dealt with it but
  // could not apply it (it waits for another origin's changes, or refused it). The segment and any
  // later one of that origin leave the flight, to be sent again later. Returns whether one was in
  // flight.
  bool OnShortAck(uint64_t origin, uint64_t seq);

  bool CanSend() const { return credit_ > 0; }
  // The first seq of the next segment of `origin`.
  uint64_t NextSeq(uint64_t origin) const;
  // Records that `span` was sent. FailedPrecondition without credit or if it does not start at
  // NextSeq(origin).
  Status OnSent(const SegmentSpan& span);

  // The highest seq of `origin` the receiver is known to hold.
  uint64_t Acked(uint64_t origin) const;
  size_t in_flight() const { return in_flight_.size(); }
  uint64_t segments_sent() const { return sent_; }
  uint64_t segments_resent() const { return resent_; }  // sent again after a drop

 private:
  std::map<uint64_t, uint64_t> acked_;
  std::map<uint64_t, uint64_t> highest_sent_;  // over all connections, to count re-sends
  std::deque<SegmentSpan> in_flight_;          // in send order
  uint64_t credit_ = 0;
  uint64_t sent_ = 0;
  uint64_t resent_ = 0;
};

class ReceiveFlow {
 public:
  explicit ReceiveFlow(uint32_t window = kDefaultWindow) : window_(window) {}

  // A new connection; `held` is what the store holds. Returns the credit to grant (the window).
  uint32_t OnConnect(const storage::VersionVector& held);

  enum class Verdict {
    kApply,       // apply entries from first_seq + skip on, then call OnApplied
    kDuplicate,   // held already: apply nothing, call OnApplied
    kGap,         // does not continue what is held: refuse, reset the connection
    kOverCredit,  // the sender had no credit for it: refuse, reset the connection
  };
  struct Decision {
    Verdict verdict;
    uint64_t skip = 0;  // with kApply: leading entries held already
  };
  Decision OnSegment(const SegmentSpan& span);

  // What to send once a kApply segment is durable, or for a kDuplicate: Ack(origin, seq) and
  // Credit(credit).
  struct Reply {
    uint64_t origin;
    uint64_t seq;
    uint32_t credit;
  };
  Reply OnApplied(const SegmentSpan& span);
  // The same for a segment the receiver dealt with but did not (all) apply: it holds `held_now`.
  Reply OnDealtWith(const SegmentSpan& span, uint64_t held_now);

  uint64_t Held(uint64_t origin) const;

 private:
  uint32_t window_;
  uint32_t outstanding_ = 0;  // credit granted and not yet used
  storage::VersionVector held_;
};

}  // namespace dancu::replication
