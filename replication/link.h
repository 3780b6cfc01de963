// What the two ends of a link share: options, counters, and the messages they hand over.
//
// A link is one ZeroMQ socket pair under CurveZMQ: the parent's Server (replication/server.h, a
// ROUTER) and the child's Client (replication/client.h, a DEALER). Each frame is the canonical bytes
// of one wire::Message (replication/messages.h). A received frame that is not exactly that (wrong
// part count, not canonical, unknown kind) is dropped, counted in LinkStats and logged; a frame over
// max_frame_bytes never gets that far: libzmq refuses it (ZMQ_MAXMSGSIZE) and closes that
// connection, which the client then re-opens, so it counts as a disconnect. Nothing a peer sends
// can crash the node.
//
// Value types. Errors are Status values; exceptions of cppzmq and Cap'n Proto stop at the link.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "replication/curve.h"
#include "replication/messages.h"

namespace dancu::replication {

// Receives one line per notable link event (a dropped frame, a refused key, a lost connection).
using LinkLogger = std::function<void(std::string_view line)>;

struct LinkOptions {
  CurveKeyPair keys;                                       // this node's CurveZMQ key pair
  size_t max_frame_bytes = kMaxFrameBytes;                 // larger frames are refused by libzmq
  std::chrono::milliseconds heartbeat_interval{5000};      // ZMTP PING while idle
  // How long a connection may go without a complete frame before it is dropped. libzmq counts
  // only whole messages as traffic, so this bounds the largest frame a slow link can carry: two
  // minutes let a 64 kbit/s modem carry a ~960 KB segment, where 3 heartbeats (15 s) would cut
  // any segment over ~120 KB forever.
  std::chrono::milliseconds heartbeat_timeout{120000};
  std::chrono::milliseconds handshake_timeout{10000};      // a CurveZMQ handshake must finish within
  LinkLogger log;                                          // may be empty
};

struct LinkStats {
  uint64_t frames_received = 0;    // delivered to the caller
  uint64_t frames_sent = 0;
  uint64_t frames_dropped = 0;     // malformed frames, see the file comment
  uint64_t keys_refused = 0;       // server: handshakes our ZAP handler refused
  uint64_t handshakes_failed = 0;  // CurveZMQ handshakes that failed on this side
  uint64_t connections = 0;        // handshakes that succeeded
  uint64_t disconnects = 0;        // client: established connections lost (peer gone, heartbeat
                                   // timeout, oversized frame); server: connections closed, also
                                   // those that failed their handshake
  std::string last_drop;           // why the last frame was dropped
};

// A message received on a link.
struct Inbound {
  std::string peer;     // server: the ROUTER routing id of the sender's connection; client: empty
  CurveKey peer_key{};  // the sender's CurveZMQ public key, as the handshake authenticated it
  size_t frame_bytes = 0;
  ParsedMessage message;
};

}  // namespace dancu::replication
