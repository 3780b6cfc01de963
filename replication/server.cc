#include "replication/server.h"

#include "replication/link_socket.h"

namespace dancu::replication {

Server::Server(std::unique_ptr<internal::LinkSocket> link, std::unique_ptr<internal::ZapHandler> zap)
    : link_(std::move(link)), zap_(std::move(zap)) {}

Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Bind(ServerOptions options) {
  if (!options.admit) return Status::InvalidArgument("a server needs an admission check for client keys");
  try {
    auto link = std::make_unique<internal::LinkSocket>(zmq::socket_type::router, std::move(options.link));
    // The ZAP handler first: a ROUTER that accepted a connection before it would admit anyone.
    auto zap = std::make_unique<internal::ZapHandler>(link->context(), std::move(options.admit));
    zmq::socket_t& router = link->socket();
    router.set(zmq::sockopt::curve_server, true);
    router.set(zmq::sockopt::router_mandatory, true);
    router.set(zmq::sockopt::zap_domain, "dancu");
    router.bind(options.endpoint);
    std::unique_ptr<Server> server(new Server(std::move(link), std::move(zap)));
    server->endpoint_ = router.get(zmq::sockopt::last_endpoint);
    return server;
  } catch (const zmq::error_t& e) {
    return Status::IOError("binding " + options.endpoint + ": " + e.what());
  }
}

Result<std::vector<Inbound>> Server::Poll(std::chrono::milliseconds timeout) {
  std::vector<Inbound> inbound;
  try {
    link_->Wait(timeout, &zap_->socket());
    zap_->Serve(link_->stats(), link_->options().log);
    for (const auto& event : link_->DrainEvents()) {
      if (event.id == ZMQ_EVENT_DISCONNECTED) ++link_->stats().disconnects;
    }
    for (auto& message : link_->DrainMessages(2)) {
      auto key = internal::ServerFrameKey(message[1]);
      if (!key) {
        link_->Drop("a frame without an authenticated client key");
        continue;
      }
      auto decoded = link_->Decode(message[0].to_string(), *key, message[1]);
      if (decoded) inbound.push_back(std::move(*decoded));
    }
  } catch (const zmq::error_t& e) {
    return Status::IOError(std::string("server link: ") + e.what());
  }
  return inbound;
}

Status Server::Send(std::string_view peer, std::string_view frame) { return link_->Send({peer, frame}); }

const LinkStats& Server::stats() const { return link_->stats(); }

}  // namespace dancu::replication
