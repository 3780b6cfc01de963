// Replicator: the node's replication links, run on one thread of their own.
//
// As a parent (`listen`), it binds a CurveZMQ ROUTER (replication/server.h) whose ZAP handler
// admits only keys the directory certifies and has not revoked, and runs one session
// (replication/session.h) per child: a child's hello starts a new session with it. As a child
// (`parent`), it connects a DEALER to the parent named by its own certificate chain and starts a
// session whenever the link is up and the last one has finished `interval` ago (or was cut):
// libzmq reconnects with backoff, heartbeats keep the link alive, and each new session resumes
// from the version vectors, so nothing acknowledged is sent twice beyond one segment in flight.
//
// SyncOnce is `dancu sync`: one session with a peer, until both sides hold each other's changes
// for the link's scope, or the deadline.
//
// Threading: Start spawns the thread; Links() may be called from any thread; Stop (or the
// destructor) joins it. The Node must outlive the Replicator. Errors: Start fails when the
// address cannot be bound or the node has no certificate; link failures are logged and retried.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/node.h"
#include "replication/session.h"

namespace dancu::node {

struct ReplicatorOptions {
  std::string listen;  // tcp://ADDR:PORT to bind as a parent; empty: none
  std::string parent;  // tcp://ADDR:PORT of the parent; empty: none
  std::chrono::milliseconds interval{2000};  // between sessions with the parent
  std::chrono::milliseconds heartbeat{5000};
  std::function<void(std::string_view)> log;  // one line per event
  // The replicator's time, in milliseconds. `steady_ms` never runs back: it decides when the next
  // session with the parent and the next heartbeat are due (`interval`, `heartbeat`). `wall_ms`
  // stamps the links' status and is the sessions' clock (certificates checked against it). Unset:
  // the system's steady and wall clocks; the simulator and tests pass simulated ones. Polling the
  // sockets still waits in real time, at most 20 ms a turn.
  std::function<uint64_t()> steady_ms;
  std::function<uint64_t()> wall_ms;
};

// What the console shows of a link.
struct LinkStatus {
  uint64_t node_id = 0;
  std::string unit;
  bool is_parent = false;      // the link to our parent (else a child's link to us)
  uint64_t last_seen_ms = 0;   // last message from it
  uint64_t last_synced_ms = 0; // last session that finished
  uint64_t sessions = 0;
  uint64_t changes_received = 0;
  uint64_t refused = 0;        // segments quarantined from it
  std::string last_error;
};

class Replicator {
 public:
  static Result<std::unique_ptr<Replicator>> Start(Node& node, ReplicatorOptions options);
  ~Replicator();
  void Stop();

  const std::string& endpoint() const { return endpoint_; }  // bound address, port resolved
  std::vector<LinkStatus> Links() const;

 private:
  explicit Replicator(ReplicatorOptions options);
  void Run();

  ReplicatorOptions options_;
  std::string endpoint_;
  struct Loop;
  std::unique_ptr<Loop> loop_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<LinkStatus> links_;
};

struct SyncReport {
  replication::SessionStats stats;
  uint64_t peer_node_id = 0;
  std::chrono::milliseconds elapsed{0};
};

// One session with the peer at `endpoint` (`peer_node`: its node id, whose link key the directory
// holds; 0 for this node's parent). A cut link reconnects until `timeout`, then IOError. Ends at
// once with PermissionDenied when the peer refuses this node, and with IOError when a disk fails
// (the peer's, as it reported: "the peer failed: ... Sync again later"; or this node's).
Result<SyncReport> SyncOnce(Node& node, const std::string& endpoint, uint64_t peer_node,
                            std::chrono::milliseconds timeout, const std::function<void(std::string_view)>& log);

// The node id of this node's parent, from its certificate chain.
Result<uint64_t> ParentOf(const Node& node);

}  // namespace dancu::node
