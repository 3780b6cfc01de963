// Internal to the link: a ZeroMQ socket with its own context and monitor, the options both ends
// set, and the receive path that turns frames into Inbound messages or counted drops.
//
// Owned and used by one thread (the Server's or Client's). Constructors throw zmq::error_t; the
// Server and Client catch it at their boundary.
#pragma once

#include <zmq.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "replication/link.h"

namespace dancu::replication::internal {

struct MonitorEvent {
  uint16_t id = 0;     // ZMQ_EVENT_*
  uint32_t value = 0;  // the event's value (an error or status code, an fd)
};

class LinkSocket {
 public:
  // A socket of `type` with CURVE keys and the options of `options` set, and a monitor attached.
  LinkSocket(zmq::socket_type type, LinkOptions options);

  zmq::context_t& context() { return context_; }
  zmq::socket_t& socket() { return socket_; }
  LinkStats& stats() { return stats_; }
  const LinkStats& stats() const { return stats_; }
  const LinkOptions& options() const { return options_; }
  void Log(const std::string& line) const;

  // Waits up to `timeout` until the socket, the monitor or `extra` has input.
  void Wait(std::chrono::milliseconds timeout, zmq::socket_t* extra);

  // The monitor events waiting, with the common counters updated and notable ones logged.
  std::vector<MonitorEvent> DrainEvents();

  // The multipart messages waiting (at most a bounded number per call) that have `parts` parts;
  // others are dropped and counted.
  std::vector<std::vector<zmq::message_t>> DrainMessages(size_t parts);

  // Decodes `frame` from `peer`; nullopt (the drop counted and logged) if it is not a Message.
  std::optional<Inbound> Decode(std::string peer, const CurveKey& peer_key, const zmq::message_t& frame);

  // Counts and logs a dropped frame.
  void Drop(const std::string& reason);

  // Sends `parts` as one message without blocking. FailedPrecondition when it cannot be queued
  // now (no connection, or the queue is full); InvalidArgument over max_frame_bytes; IOError when
  // ZeroMQ fails (for a ROUTER, an unknown peer).
  Status Send(const std::vector<std::string_view>& parts);

 private:
  LinkOptions options_;
  zmq::context_t context_;
  zmq::socket_t socket_;
  zmq::socket_t monitor_;
  LinkStats stats_;
};

}  // namespace dancu::replication::internal
