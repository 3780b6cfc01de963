// The parent's end of links: a ZeroMQ ROUTER under CurveZMQ that children connect to.
//
// Bind creates the server's own ZeroMQ context, binds the ZAP handler (replication/zap_handler.h)
// that admits only the client keys `admit` accepts, then binds the ROUTER on `endpoint`
// ("tcp://ADDR:PORT"; port "*" picks a free one, see endpoint()). Every connection is encrypted
// and every frame received carries the client's authenticated key (Inbound::peer_key) and its
// connection's routing id (Inbound::peer), to which Send answers. A child that reconnects comes
// back with a new routing id: key per-peer state by peer_key. A ROUTER is not told when a child
// goes away; Send to a gone peer fails, and silence (no heartbeat message) tells the rest. See
// replication/link.h for what happens to malformed and oversized frames.
//
// Threading: a Server is not thread-safe. It owns its sockets; every call, and `admit` and the
// logger, run on the thread that calls Poll (which may differ from the one that called Bind). ZAP
// requests are answered inside Poll, so a client's handshake completes only while the owner polls.
// Errors: Bind gives IOError when the endpoint cannot be bound; Send as LinkSocket::Send.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "replication/link.h"
#include "replication/zap_handler.h"
#include "storage/status.h"

namespace dancu::replication {

namespace internal {
class LinkSocket;
}

struct ServerOptions {
  std::string endpoint;  // tcp://ADDR:PORT
  LinkOptions link;
  AdmitFn admit;         // required: which client keys may connect
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> Bind(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The endpoint bound, with the port chosen ("tcp://127.0.0.1:41234").
  const std::string& endpoint() const { return endpoint_; }

  // Waits up to `timeout` for traffic, answers ZAP requests, and returns the messages received
  // (possibly none). IOError if ZeroMQ itself fails.
  Result<std::vector<Inbound>> Poll(std::chrono::milliseconds timeout);

  // Sends the canonical bytes of one Message to the connection `peer` (an Inbound::peer).
  Status Send(std::string_view peer, std::string_view frame);

  const LinkStats& stats() const;

 private:
  Server(std::unique_ptr<internal::LinkSocket> link, std::unique_ptr<internal::ZapHandler> zap);

  std::unique_ptr<internal::LinkSocket> link_;
  std::unique_ptr<internal::ZapHandler> zap_;  // closed before link_'s context
  std::string endpoint_;
};

}  // namespace dancu::replication
