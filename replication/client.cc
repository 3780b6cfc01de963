#include "replication/client.h"

#include "replication/link_socket.h"

namespace dancu::replication {

Client::Client(std::unique_ptr<internal::LinkSocket> link, ClientOptions options)
    : link_(std::move(link)),
      endpoint_(std::move(options.endpoint)),
      server_key_(options.server_key),
      unreachable_after_(options.unreachable_after),
      steady_ms_(options.steady_ms ? std::move(options.steady_ms) : [] {
        return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now().time_since_epoch())
                                         .count());
      }),
      down_since_ms_(steady_ms_()) {}

Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::Connect(ClientOptions options) {
  try {
    auto link = std::make_unique<internal::LinkSocket>(zmq::socket_type::dealer, std::move(options.link));
    zmq::socket_t& dealer = link->socket();
    dealer.set(zmq::sockopt::curve_serverkey,
               zmq::const_buffer(options.server_key.data(), options.server_key.size()));
    dealer.set(zmq::sockopt::immediate, true);
    dealer.set(zmq::sockopt::reconnect_ivl, static_cast<int>(options.reconnect_interval.count()));
    dealer.set(zmq::sockopt::reconnect_ivl_max, static_cast<int>(options.reconnect_interval_max.count()));
    dealer.connect(options.endpoint);
    return std::unique_ptr<Client>(new Client(std::move(link), std::move(options)));
  } catch (const zmq::error_t& e) {
    return Status::IOError("connecting to " + options.endpoint + ": " + e.what());
  }
}

Result<std::vector<Inbound>> Client::Poll(std::chrono::milliseconds timeout) {
  std::vector<Inbound> inbound;
  try {
    link_->Wait(timeout, nullptr);
    for (const auto& event : link_->DrainEvents()) {
      if (event.id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
        connected_ = true;
        refused_ = false;
      } else if (event.id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
        refused_ = true;  // libzmq gives up on this connection: it does not retry a refused key
      } else if (event.id == ZMQ_EVENT_DISCONNECTED && connected_) {
        connected_ = false;
        ++link_->stats().disconnects;
        down_since_ms_ = steady_ms_();
      }
    }
    for (auto& message : link_->DrainMessages(1)) {
      auto decoded = link_->Decode(std::string(), server_key_, message[0]);
      if (decoded) inbound.push_back(std::move(*decoded));
    }
  } catch (const zmq::error_t& e) {
    return Status::IOError(std::string("client link: ") + e.what());
  }
  return inbound;
}

Status Client::Send(std::string_view frame) {
  if (!connected_) return Status::FailedPrecondition("not connected to " + endpoint_);
  return link_->Send({frame});
}

Status Client::health() const {
  if (refused_) return Status::PermissionDenied("peer " + endpoint_ + " refused this node's key");
  if (connected_ || steady_ms_() - down_since_ms_ < static_cast<uint64_t>(unreachable_after_.count())) {
    return Status::Ok();
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(unreachable_after_).count();
  return Status::IOError("peer " + endpoint_ + " unreachable: no CurveZMQ handshake within " + std::to_string(ms) +
                         " ms");
}

const LinkStats& Client::stats() const { return link_->stats(); }

}  // namespace dancu::replication
