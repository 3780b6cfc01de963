// The node's own ZAP handler (ZeroMQ RFC 27): decides which CurveZMQ client keys may connect.
//
// libzmq admits every client when no handler is bound, so a Server binds this one on
// inproc://zeromq.zap.01 of its context before it binds its ROUTER. Each request names the
// client's public key; the handler replies 200 when `admit` says yes and 400 otherwise (500 if
// `admit` throws), with the key in hex as the User-Id, which libzmq then attaches to every frame
// of that connection (ServerFrameKey reads it back).
//
// Owned and served by the Server's thread; `admit` runs on it. Constructor throws zmq::error_t.
#pragma once

#include <zmq.hpp>

#include <functional>
#include <optional>

#include "replication/curve.h"
#include "replication/link.h"

namespace dancu::replication {

using AdmitFn = std::function<bool(const CurveKey& client_key)>;

namespace internal {

class ZapHandler {
 public:
  ZapHandler(zmq::context_t& context, AdmitFn admit);

  zmq::socket_t& socket() { return socket_; }

  // Answers every request waiting. Counts refusals in `stats`, logs through `log`.
  void Serve(LinkStats& stats, const LinkLogger& log);

 private:
  AdmitFn admit_;
  zmq::socket_t socket_;
};

// The client key libzmq attached to a frame received on a Server (from our User-Id).
std::optional<CurveKey> ServerFrameKey(zmq::message_t& frame);

}  // namespace internal
}  // namespace dancu::replication
