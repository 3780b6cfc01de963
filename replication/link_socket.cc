#include "replication/link_socket.h"

#include <algorithm>
#include <cstring>

namespace dancu::replication::internal {

namespace {

constexpr const char* kMonitorEndpoint = "inproc://dancu-link-monitor";
constexpr size_t kMaxMessagesPerDrain = 256;  // then Poll returns, so the owner's loop stays fair
constexpr int kMissedHeartbeats = 3;

std::string EventText(const MonitorEvent& event) {
  switch (event.id) {
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      return "CurveZMQ handshake refused by authentication (status " + std::to_string(event.value) + ")";
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      return "CurveZMQ handshake failed: protocol error " + std::to_string(event.value) +
             " (a wrong server key, or not a dancu peer)";
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
      return "CurveZMQ handshake failed (error " + std::to_string(event.value) + ")";
    case ZMQ_EVENT_DISCONNECTED:
      return "connection closed";
    default:
      return {};
  }
}

}  // namespace

LinkSocket::LinkSocket(zmq::socket_type type, LinkOptions options)
    : options_(std::move(options)), context_(1), socket_(context_, type), monitor_(context_, zmq::socket_type::pair) {
  auto heartbeat = static_cast<int>(options_.heartbeat_interval.count());
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(options_.max_frame_bytes));
  socket_.set(zmq::sockopt::heartbeat_ivl, heartbeat);
  const int timeout = std::max(heartbeat * kMissedHeartbeats, static_cast<int>(options_.heartbeat_timeout.count()));
  socket_.set(zmq::sockopt::heartbeat_timeout, timeout);
  socket_.set(zmq::sockopt::heartbeat_ttl, timeout);
  socket_.set(zmq::sockopt::handshake_ivl, static_cast<int>(options_.handshake_timeout.count()));
  socket_.set(zmq::sockopt::curve_secretkey,
              zmq::const_buffer(options_.keys.secret_key.data(), options_.keys.secret_key.size()));
  socket_.set(zmq::sockopt::curve_publickey,
              zmq::const_buffer(options_.keys.public_key.data(), options_.keys.public_key.size()));
  if (zmq_socket_monitor(socket_.handle(), kMonitorEndpoint, ZMQ_EVENT_ALL) != 0) throw zmq::error_t();
  monitor_.set(zmq::sockopt::linger, 0);
  monitor_.connect(kMonitorEndpoint);
}

void LinkSocket::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

void LinkSocket::Wait(std::chrono::milliseconds timeout, zmq::socket_t* extra) {
  std::vector<zmq::pollitem_t> items = {{socket_.handle(), 0, ZMQ_POLLIN, 0},
                                        {monitor_.handle(), 0, ZMQ_POLLIN, 0}};
  if (extra) items.push_back({extra->handle(), 0, ZMQ_POLLIN, 0});
  zmq::poll(items, timeout);
}

std::vector<MonitorEvent> LinkSocket::DrainEvents() {
  std::vector<MonitorEvent> events;
  zmq::message_t head;
  while (monitor_.recv(head, zmq::recv_flags::dontwait)) {
    zmq::message_t endpoint;
    if (head.more()) (void)monitor_.recv(endpoint);
    MonitorEvent event;
    if (head.size() >= 6) {
      std::memcpy(&event.id, head.data(), sizeof event.id);
      std::memcpy(&event.value, static_cast<const char*>(head.data()) + 2, sizeof event.value);
    }
    switch (event.id) {
      case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: ++stats_.connections; break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: ++stats_.handshakes_failed; break;
      default: break;
    }
    std::string text = EventText(event);
    if (!text.empty()) Log(text + " (" + endpoint.to_string() + ")");
    events.push_back(event);
  }
  return events;
}

std::vector<std::vector<zmq::message_t>> LinkSocket::DrainMessages(size_t parts) {
  std::vector<std::vector<zmq::message_t>> messages;
  while (messages.size() < kMaxMessagesPerDrain) {
    std::vector<zmq::message_t> message(1);
    if (!socket_.recv(message[0], zmq::recv_flags::dontwait)) break;
    while (message.back().more()) {
      message.emplace_back();
      (void)socket_.recv(message.back());  // the rest of a message is there once its first part is
    }
    if (message.size() != parts) {
      Drop("a message of " + std::to_string(message.size()) + " parts where " + std::to_string(parts) +
           " were expected");
      continue;
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

std::optional<Inbound> LinkSocket::Decode(std::string peer, const CurveKey& peer_key, const zmq::message_t& frame) {
  auto message = DecodeMessage(frame.to_string_view(), options_.max_frame_bytes);
  if (!message.ok()) {
    Drop(message.status().message());
    return std::nullopt;
  }
  ++stats_.frames_received;
  return Inbound{std::move(peer), peer_key, frame.size(), std::move(message.value())};
}

void LinkSocket::Drop(const std::string& reason) {
  ++stats_.frames_dropped;
  stats_.last_drop = reason;
  Log("dropped a frame: " + reason);
}

Status LinkSocket::Send(const std::vector<std::string_view>& parts) {
  if (!parts.empty() && parts.back().size() > options_.max_frame_bytes) {
    return Status::InvalidArgument("frame of " + std::to_string(parts.back().size()) + " bytes exceeds the cap of " +
                                   std::to_string(options_.max_frame_bytes));
  }
  try {
    for (size_t i = 0; i < parts.size(); ++i) {
      auto flags = zmq::send_flags::dontwait;
      if (i + 1 < parts.size()) flags = flags | zmq::send_flags::sndmore;
      if (!socket_.send(zmq::const_buffer(parts[i].data(), parts[i].size()), flags)) {
        return Status::FailedPrecondition("the link cannot take a frame now (not connected, or its queue is full)");
      }
    }
  } catch (const zmq::error_t& e) {
    return Status::IOError(std::string("sending on the link: ") + e.what());
  }
  ++stats_.frames_sent;
  return Status::Ok();
}

}  // namespace dancu::replication::internal
