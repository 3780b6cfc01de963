#include "tools/faultproxy/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "tools/faultproxy/net.h"

namespace dancu::faultproxy {

namespace {

constexpr short kFailure = POLLERR | POLLHUP;

bool WouldBlock(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

}  // namespace

Connection::Connection(uint64_t id, int client_fd, int server_fd, std::string peer,
                       const LinkSettings& settings, TimePoint now, const EventLog& log)
    : id_(id),
      client_fd_(client_fd),
      server_fd_(server_fd),
      peer_(std::move(peer)),
      max_queue_bytes_(settings.max_queue_bytes),
      log_(log),
      up_(now, settings),
      down_(now, settings) {}

Connection::~Connection() {
  if (!closed_) {
    CloseWithReset(client_fd_);
    CloseWithReset(server_fd_);
  }
}

bool Connection::CanRead(const Direction& direction) const {
  return !closed_ && !direction.eof_read && direction.shaper.queued_bytes() < max_queue_bytes_;
}

short Connection::Interest(Side side, bool stalled) const {
  if (closed_) return 0;
  // `from` is read from this socket; `into` is written to it.
  const Direction& from = side == Side::kClient ? up_ : down_;
  const Direction& into = side == Side::kClient ? down_ : up_;
  if (connecting_) {
    if (side == Side::kServer) return POLLOUT;
    return CanRead(from) ? POLLIN : 0;
  }
  short events = 0;
  if (CanRead(from)) events |= POLLIN;
  if (into.blocked && !stalled) events |= POLLOUT;
  return events;
}

std::optional<Connection::TimePoint> Connection::Deadline(TimePoint now, bool stalled) const {
  if (closed_ || connecting_ || stalled) return std::nullopt;
  std::optional<TimePoint> deadline;
  auto earliest = [&](std::optional<TimePoint> t) {
    if (t && (!deadline || *t < *deadline)) deadline = t;
  };
  for (const Direction* direction : {&up_, &down_}) {
    if (!direction->blocked) earliest(direction->shaper.NextReady(now));
    if (direction->eof_read && !direction->ended && direction->shaper.empty()) earliest(direction->eof_at);
  }
  return deadline;
}

void Connection::Service(short client_revents, short server_revents, TimePoint now, bool stalled) {
  if (closed_) return;
  if (connecting_) {
    if (server_revents & (POLLOUT | kFailure)) {
      const int error = SocketError(server_fd_);
      if (error != 0) {
        Abort("connection " + std::to_string(id_) + " from " + peer_ + ": connecting to the target failed: " +
              std::strerror(error));
        return;
      }
      connecting_ = false;
      log_("connection " + std::to_string(id_) + " from " + peer_ + " connected to the target");
    }
  }
  if (client_revents & (POLLIN | kFailure)) Read(up_, client_fd_, "client", now);
  if (!closed_ && !connecting_ && (server_revents & (POLLIN | kFailure))) Read(down_, server_fd_, "target", now);
  if (closed_ || connecting_) return;
  if (server_revents & (POLLOUT | kFailure)) up_.blocked = false;
  if (client_revents & (POLLOUT | kFailure)) down_.blocked = false;
  if (stalled) return;
  Flush(up_, server_fd_, "target", now);
  if (!closed_) Flush(down_, client_fd_, "client", now);
  if (!closed_) PassEnd(up_, server_fd_, now);
  if (!closed_) PassEnd(down_, client_fd_, now);
  if (!closed_ && up_.ended && down_.ended) CloseGracefully();
}

void Connection::Read(Direction& direction, int fd, const char* source, TimePoint now) {
  if (!CanRead(direction)) return;
  char buffer[65536];
  const size_t room = max_queue_bytes_ - direction.shaper.queued_bytes();
  const ssize_t n = ::recv(fd, buffer, std::min(sizeof buffer, room), 0);
  if (n > 0) {
    direction.shaper.Push(std::string_view(buffer, static_cast<size_t>(n)), now);
  } else if (n == 0) {
    direction.eof_read = true;
    direction.eof_at = direction.shaper.LastReadyAt(now);
  } else if (!WouldBlock(errno) && errno != EINTR) {
    Abort("connection " + std::to_string(id_) + " reset by the " + source + " (" + std::strerror(errno) +
          ") after " + std::to_string(forwarded()) + " bytes");
  }
}

void Connection::Flush(Direction& direction, int fd, const char* destination, TimePoint now) {
  while (!direction.blocked) {
    const std::string_view ready = direction.shaper.Ready(now);
    if (ready.empty()) return;
    size_t n = ready.size();
    if (cut_budget_) n = std::min<uint64_t>(n, *cut_budget_);
    const ssize_t written = ::send(fd, ready.data(), n, MSG_NOSIGNAL);
    if (written < 0) {
      if (errno == EINTR) continue;
      if (WouldBlock(errno)) {
        direction.blocked = true;
        return;
      }
      Abort("connection " + std::to_string(id_) + ": writing to the " + destination + " failed (" +
            std::strerror(errno) + ") after " + std::to_string(forwarded()) + " bytes");
      return;
    }
    const auto sent = static_cast<size_t>(written);
    direction.shaper.Consume(sent);
    direction.forwarded += sent;
    if (cut_budget_) {
      *cut_budget_ -= sent;
      if (*cut_budget_ == 0) {
        Cut("cut-after");
        return;
      }
    }
  }
}

void Connection::PassEnd(Direction& direction, int fd, TimePoint now) {
  if (!direction.eof_read || direction.ended || !direction.shaper.empty() || now < direction.eof_at) return;
  direction.ended = true;
  // ENOTCONN here means the peer is gone already; the other direction will notice.
  ::shutdown(fd, SHUT_WR);
}

void Connection::Abort(const std::string& event) {
  if (closed_) return;
  CloseWithReset(client_fd_);
  CloseWithReset(server_fd_);
  closed_ = true;
  log_(event);
}

void Connection::Cut(const std::string& why) {
  Abort("connection " + std::to_string(id_) + " cut after " + std::to_string(forwarded()) + " bytes (" + why +
        ")");
}

void Connection::CloseGracefully() {
  ::close(client_fd_);
  ::close(server_fd_);
  closed_ = true;
  log_("connection " + std::to_string(id_) + " closed: client->target " + std::to_string(up_.forwarded) +
       " bytes, target->client " + std::to_string(down_.forwarded) + " bytes");
}

void Connection::SetRate(uint64_t rate_bps, TimePoint now) {
  up_.shaper.SetRate(rate_bps, now);
  down_.shaper.SetRate(rate_bps, now);
}

void Connection::SetLatency(LinkShaper::Duration latency) {
  up_.shaper.SetLatency(latency);
  down_.shaper.SetLatency(latency);
}

std::string Connection::Describe() const {
  std::string text = "connection " + std::to_string(id_) + " from " + peer_ + ": ";
  if (connecting_) text += "connecting, ";
  text += "client->target " + std::to_string(up_.forwarded) + " bytes (" +
          std::to_string(up_.shaper.queued_bytes()) + " queued" + (up_.eof_read ? ", ended" : "") +
          "), target->client " + std::to_string(down_.forwarded) + " bytes (" +
          std::to_string(down_.shaper.queued_bytes()) + " queued" + (down_.eof_read ? ", ended" : "") + ")";
  if (cut_budget_) text += ", cut after " + std::to_string(*cut_budget_) + " more bytes";
  return text;
}

}  // namespace dancu::faultproxy
