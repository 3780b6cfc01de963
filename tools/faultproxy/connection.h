// Connection: one proxied TCP connection — the accepted client socket, the socket to the target,
// and a LinkShaper for each direction (client->target "up", target->client "down").
//
// Driven by the event loop (Proxy): it asks Interest() and Deadline() before poll(2) and calls
// Service() after it. All sockets are non-blocking; reads stop while a direction's queue holds
// more than max_queue_bytes (backpressure); partial writes and EAGAIN keep the rest queued. An end
// of stream is passed on (shutdown SHUT_WR) after the direction's queued bytes and the latency;
// the connection closes when both directions have ended. A reset or failed write on either side
// resets the other (SO_LINGER 0) and closes the connection. While stalled nothing is written
// (reading goes on up to the queue bound).
//
// Ownership: owns both file descriptors; closing is abrupt (RST) unless both directions ended.
// Thread-safety: none; the event loop's thread only. Errors: socket errors are logged as events
// and close the connection; nothing throws.
#pragma once

#include <sys/poll.h>

#include <cstdint>
#include <optional>
#include <string>

#include "tools/faultproxy/event_log.h"
#include "tools/faultproxy/link_shaper.h"

namespace dancu::faultproxy {

struct LinkSettings {
  uint64_t rate_bps = 0;              // per direction; 0 = unlimited
  LinkShaper::Duration latency{};     // one way
  size_t max_queue_bytes = 1 << 20;   // per direction, before reading pauses
};

class Connection {
 public:
  using TimePoint = LinkShaper::TimePoint;
  enum class Side { kClient, kServer };

  // Takes ownership of `client_fd` and of `server_fd`, whose connect is in progress.
  Connection(uint64_t id, int client_fd, int server_fd, std::string peer, const LinkSettings& settings,
             TimePoint now, const EventLog& log);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  uint64_t id() const { return id_; }
  bool closed() const { return closed_; }
  int fd(Side side) const { return side == Side::kClient ? client_fd_ : server_fd_; }

  // poll(2) events wanted on `side`'s socket (0 = none).
  short Interest(Side side, bool stalled) const;
  // When Service() must run again even without socket readiness; nullopt = only on readiness.
  std::optional<TimePoint> Deadline(TimePoint now, bool stalled) const;
  // Acts on the poll(2) results of both sockets at `now`.
  void Service(short client_revents, short server_revents, TimePoint now, bool stalled);

  // Resets both sockets and logs "connection N cut after B bytes (<why>)".
  void Cut(const std::string& why);
  void SetRate(uint64_t rate_bps, TimePoint now);
  void SetLatency(LinkShaper::Duration latency);
  // Cut once `budget` more bytes have been forwarded (both directions); nullopt disarms.
  void SetCutBudget(std::optional<uint64_t> budget) { cut_budget_ = budget; }

  uint64_t forwarded() const { return up_.forwarded + down_.forwarded; }
  std::string Describe() const;

 private:
  struct Direction {
    Direction(TimePoint now, const LinkSettings& settings)
        : shaper(now, settings.rate_bps, settings.latency) {}
    LinkShaper shaper;
    bool eof_read = false;  // the source ended its stream
    TimePoint eof_at{};     // when the end may be passed on
    bool ended = false;     // the end was passed on (shutdown SHUT_WR)
    bool blocked = false;   // the last write hit EAGAIN: wait for POLLOUT
    uint64_t forwarded = 0;
  };

  bool CanRead(const Direction& direction) const;
  void Read(Direction& direction, int fd, const char* source, TimePoint now);
  void Flush(Direction& direction, int fd, const char* destination, TimePoint now);
  void PassEnd(Direction& direction, int fd, TimePoint now);
  void Abort(const std::string& event);
  void CloseGracefully();

  uint64_t id_;
  int client_fd_, server_fd_;
  std::string peer_;
  size_t max_queue_bytes_;
  const EventLog& log_;
  bool connecting_ = true;
  bool closed_ = false;
  Direction up_, down_;
  std::optional<uint64_t> cut_budget_;
};

}  // namespace dancu::faultproxy
