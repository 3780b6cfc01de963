// Session: one exchange of changes between two nodes, the same on both ends of a link.
//
// A session is a state machine over wire messages, with no I/O and no clock of its own: the
// caller feeds it what arrives (OnMessage) and sends what it returns, over a ZeroMQ link, a
// simulated network or anything else. Each side:
//   1. sends hello, its version vector and its credit at once. The hello omits the certificate
//      chain: a peer that does not know this node answers unknownPeer, and the hello is sent again
//      with the chain (so sessions between nodes that know each other cost a few hundred bytes);
//   2. on the peer's hello, verifies it (the chain, or the one held), then sends the revocations
//      it knows, if any, and its checkpoint of the peer's own log (yourLog); it sends nothing of
//      its own log before it has the peer's yourLog (SessionHost::CheckOwnLog: a node restored
//      from an older copy recovers its log instead, docs/log-format.md);
//   3. with the peer's hello and vector, streams, against credit, the segments the peer lacks of
//      the origins in the peer's scope (SessionHost::Scope), one origin's segments in order, each
//      origin's certificate chain before its first segment;
//   4. receiving a segment, decodes it (replication/segment.h), ingests it (storage::Store::Ingest:
//      verification, authority, quarantine, causal readiness), and acknowledges what it holds;
//   5. once everything it sent is acknowledged, sends done.
// synced() is true once both sides have said done: each holds the other's changes for its scope.
// A segment that cannot apply yet (it waits for another origin's changes) is acknowledged short
// and sent again after the others; one refused (quarantined) is not sent again in this session.
// A dropped connection loses nothing: the next session starts again from the version vectors, so
// a resume re-sends at most what was in flight (replication/flow.h).
//
// Not thread-safe: one owner thread per session. Errors: OnMessage returns an error Status when
// the peer breaks the protocol (the caller sends the Farewell frames, then drops the connection and
// logs it); failures of the local store are errors too, and their Farewell tells the peer why (a
// full disk: sync again later). Malformed messages never reach here (replication/messages.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "replication/flow.h"
#include "replication/messages.h"
#include "replication/segment_cutter.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::replication {

// Who the peer is, from its verified certificate chain.
struct PeerIdentity {
  uint64_t node_id = 0;
  uint16_t role = 0;               // node/identity.capnp Role ordinal
  std::string unit;
  std::vector<uint64_t> lineage;   // node ids from the root down to the peer
  std::array<uint8_t, 32> curve_key{};
};

// What a session needs of the node it runs on. Implemented by the node layer (node/session_host.h).
class SessionHost {
 public:
  virtual ~SessionHost() = default;
  virtual storage::Store& store() = 0;
  virtual HelloInfo Hello() = 0;
  // Verifies a chain against the pinned root and keeps it; the identity of its leaf.
  virtual Result<PeerIdentity> AcceptChain(std::string_view chain) = 0;
  // The identity of a node whose chain this node holds already (a hello may then omit it).
  virtual std::optional<PeerIdentity> KnownPeer(uint64_t /*node_id*/) { return std::nullopt; }
  // Verifies a revocation against the pinned root and keeps it.
  virtual Status AcceptRevocation(std::string_view revocation) = 0;
  virtual std::optional<std::string> ChainOf(uint64_t origin) = 0;
  virtual std::vector<std::string> Revocations() = 0;
  virtual storage::TrustLookup Trust() = 0;
  // Whether `sender` is an ancestor of this node (storage::IncomingRun::from_ancestor).
  virtual bool IsAncestor(const PeerIdentity& sender) = 0;
  // The origins whose changes this node sends to `peer`.
  virtual Result<std::set<uint64_t>> Scope(const PeerIdentity& peer) = 0;
  // Citizen-number leases (node/leases.h): what to ask `peer` for (when it is this node's parent
  // and this node runs low), a grant for `peer` (when it is a child), and one received.
  struct LeaseAsk {
    std::string province;
    uint32_t count = 0;
  };
  virtual std::optional<LeaseAsk> WantLease(const PeerIdentity& peer) = 0;
  virtual Result<std::string> GrantLease(const PeerIdentity& peer, const std::string& province, uint32_t count) = 0;
  virtual Status AcceptLease(std::string_view lease) = 0;
  // A line for the operator's log.
  virtual void Log(std::string_view line) = 0;
  // The checkpoint this node holds of `origin`'s log at the seq it holds ("" if none).
  virtual std::string HeadOf(uint64_t origin) {
    (void)origin;
    return "";
  }
  // The peer's checkpoint of this node's own log (`head`, "" if it holds none), seen before any of
  // that log is sent: a host whose log the peer holds longer, or different, recovers it
  // (storage::Store::RewindOwnLog) and answers FailedPrecondition, which ends the session so that
  // the next one starts from the rewound vector. Other errors are failures.
  virtual Status CheckOwnLog(const PeerIdentity& peer, std::string_view head) {
    (void)peer;
    (void)head;
    return Status::Ok();
  }
  // Whether the host waits for its own entries to come back (a session then does not say done).
  virtual bool Recovering() { return false; }
  // After a segment of `origin` was ingested: a recovering host whose own log is back authors
  // its work set aside again (storage::Store::Reauthor), to be sent in this session.
  virtual Status AfterIngest(uint64_t origin) {
    (void)origin;
    return Status::Ok();
  }
  // Agency credentials (node/agencies.h): every one held, to send on, and one received.
  virtual std::vector<std::string> AgencyCredentials() { return {}; }
  virtual Status AcceptAgency(std::string_view credential) {
    (void)credential;
    return Status::Ok();
  }
  // The audit of agency verifications (node/audit_log.h), which goes up the tree: per answering
  // node, the last batch held; the batches held beyond what a peer holds (at most `max`); and a
  // batch received from a child.
  virtual storage::VersionVector AuditHeld() { return {}; }
  virtual Result<std::vector<std::string>> AuditAfter(const storage::VersionVector& peer_held, size_t max) {
    (void)peer_held;
    (void)max;
    return std::vector<std::string>{};
  }
  virtual Status AcceptAudit(std::string_view batch) {
    (void)batch;
    return Status::Ok();
  }
  // `node` holds at least `versions` (a session with it has synced, or a bundle from it stated
  // its vector): the base of the next bundle for it (replication/bundle.h).
  virtual void PeerHolds(uint64_t node, const storage::VersionVector& versions) {
    (void)node;
    (void)versions;
  }
};

// Audit batches (node/audit_log.h) per message: each is at most a few hundred KiB.
inline constexpr size_t kAuditBatchesPerMessage = 8;

struct SessionOptions {
  CutOptions cut;
  uint32_t window = kDefaultWindow;
  std::string source;  // names the peer in quarantine entries
  // The peer's CurveZMQ key as the link authenticated it; the hello's chain must name it. Unset
  // where there is no link key (bundles, the simulator's network).
  std::optional<std::array<uint8_t, 32>> link_key;
};

struct SessionStats {
  uint64_t segments_sent = 0;
  uint64_t segments_received = 0;
  uint64_t changes_applied = 0;
  uint64_t segments_refused = 0;   // quarantined here
  uint64_t segments_deferred = 0;  // could not apply yet
  uint64_t conflicts = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
};

class Session {
 public:
  Session(SessionHost& host, SessionOptions options);

  // The frames that open the session (our hello).
  std::vector<std::string> Start();
  // Handles one message from the peer; returns the frames to send in answer.
  Result<std::vector<std::string>> OnMessage(wire::Message::Reader message, size_t frame_bytes);
  // Parses and handles one frame (DecodeMessage first).
  Result<std::vector<std::string>> OnFrame(std::string_view frame);
  // After OnMessage or OnFrame returned an error: the frames to send before dropping the link (an
  // Error message saying why, when there is one to say), handed out once.
  std::vector<std::string> TakeFarewell() { return std::move(farewell_); }

  // Both sides have said done, and a lease asked for has been answered.
  bool synced() const { return sent_done_ && received_done_ && !lease_pending_; }
  const std::optional<PeerIdentity>& peer() const { return peer_; }
  const SessionStats& stats() const { return stats_; }
  // What the peer said it holds when the session began, updated by its acknowledgements.
  const storage::VersionVector& peer_holds() const { return peer_holds_; }

 private:
  // OnMessage's work: appends what to send to `out`, which is the farewell on an error.
  Status Dispatch(wire::Message::Reader message, std::vector<std::string>& out);
  Status OnHello(wire::Hello::Reader hello, std::vector<std::string>& out);
  Status OnVersionVector(wire::VersionVector::Reader versions, std::vector<std::string>& out);
  Status OnSegment(wire::Segment::Reader segment, std::vector<std::string>& out);
  // The audit goes up: a child holding audit says what it holds, the parent what it holds; the
  // child sends what the parent lacks until the parent's answer shows nothing more to send (or no
  // progress).
  Status OnAuditHeld(wire::VersionVector::Reader held, std::vector<std::string>& out);
  Status OnAudit(capnp::List<capnp::Data>::Reader batches, std::vector<std::string>& out);
  // Sends segments while there is credit and something to send; done once all is acknowledged.
  Status Pump(std::vector<std::string>& out);
  void Emit(std::string frame, std::vector<std::string>& out);
  // Tells the host what the peer holds, once both sides have said done.
  void NoteSynced();

  SessionHost& host_;
  SessionOptions options_;
  SendFlow send_;
  ReceiveFlow receive_;
  std::optional<PeerIdentity> peer_;
  bool have_peer_vector_ = false;
  storage::VersionVector peer_holds_;
  std::set<uint64_t> scope_;
  std::set<uint64_t> deferred_;  // origins whose last segment could not apply yet
  std::set<uint64_t> refused_;   // origins the peer refused: not sent again this session
  std::set<uint64_t> single_batch_;  // origins the peer short-acked: sent one batch per segment
  uint64_t progress_ = 0;        // acks that advanced the peer, to know when to retry deferred ones
  uint64_t progress_at_defer_ = 0;
  std::set<uint64_t> chains_sent_;  // origins whose chain went out in this session
  bool hello_with_chain_ = false;    // the peer asked for our chain
  bool lease_pending_ = false;       // a leaseRequest sent, not yet answered
  uint64_t self_ = 0;                // this node's id, from its hello
  bool own_log_checked_ = false;     // the peer's yourLog arrived: this node's own log may go
  bool audit_pending_ = false;       // audit to send up to the peer: no done before it is held
  std::optional<storage::VersionVector> audit_sent_against_;  // what the parent held when we last sent
  bool sent_done_ = false;
  bool received_done_ = false;
  std::vector<std::string> farewell_;  // see TakeFarewell
  SessionStats stats_;
};

}  // namespace dancu::replication
