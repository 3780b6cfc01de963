// The child's end of a link: a ZeroMQ DEALER under CurveZMQ that connects to its parent's Server.
//
// Connect returns at once; libzmq connects in the background and, whenever the connection drops,
// reconnects with exponential backoff from reconnect_interval up to reconnect_interval_max. ZMTP
// heartbeats (LinkOptions::heartbeat_interval) detect a dead peer. Frames are queued only on an
// established connection (ZMQ_IMMEDIATE): Send fails fast while there is none, and nothing stale
// is delivered after a reconnect. The handshake authenticates the server by `server_key`: a server
// with another key never completes it.
//
// health() tells the owner where the link stands: PermissionDenied once the server has refused our
// key (libzmq then stops trying: make a new Client to try again, e.g. after a new certificate);
// otherwise ok while connected or still within `unreachable_after` of the start or of the last
// disconnect, and after that IOError "peer unreachable" (a wrong server key, no route, nobody
// listening) while reconnecting goes on in the background. That time runs on `steady_ms` (the
// replicator's clock, so a simulation or a test decides when a peer counts as unreachable);
// libzmq's own reconnect timers run on the machine's.
//
// Threading: a Client is not thread-safe. It owns its sockets; every call, and the logger, run on
// the thread that calls Poll. Connection state is learnt inside Poll, so poll regularly.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "replication/link.h"
#include "storage/status.h"

namespace dancu::replication {

namespace internal {
class LinkSocket;
}

struct ClientOptions {
  std::string endpoint;  // tcp://ADDR:PORT of the parent
  CurveKey server_key{};  // the parent's CurveZMQ public key
  LinkOptions link;
  std::chrono::milliseconds reconnect_interval{100};
  std::chrono::milliseconds reconnect_interval_max{30000};
  std::chrono::milliseconds unreachable_after{10000};
  // Milliseconds on a clock that never runs back; null: std::chrono::steady_clock.
  std::function<uint64_t()> steady_ms;
};

class Client {
 public:
  static Result<std::unique_ptr<Client>> Connect(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Waits up to `timeout` for traffic, learns the connection's state, and returns the messages
  // received (possibly none). IOError if ZeroMQ itself fails.
  Result<std::vector<Inbound>> Poll(std::chrono::milliseconds timeout);

  // Sends the canonical bytes of one Message. FailedPrecondition while not connected.
  Status Send(std::string_view frame);

  bool connected() const { return connected_; }
  Status health() const;
  const LinkStats& stats() const;

 private:
  Client(std::unique_ptr<internal::LinkSocket> link, ClientOptions options);

  std::unique_ptr<internal::LinkSocket> link_;
  std::string endpoint_;
  CurveKey server_key_{};
  std::chrono::milliseconds unreachable_after_;
  bool connected_ = false;
  bool refused_ = false;  // the last handshake failed on the server's authentication
  std::function<uint64_t()> steady_ms_;
  uint64_t down_since_ms_ = 0;  // on steady_ms_
};

}  // namespace dancu::replication
