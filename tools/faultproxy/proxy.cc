#include "tools/faultproxy/proxy.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace dancu::faultproxy {

namespace {

using Clock = LinkShaper::Clock;
constexpr int kControlFilePollMs = 100;  // how often a followed regular control file is re-read
constexpr int kAcceptsPerWakeup = 64;

}  // namespace

Result<std::unique_ptr<Proxy>> Proxy::Create(const SocketAddress& listen, const SocketAddress& target,
                                             const LinkSettings& settings, EventLog log) {
  Result<int> fd = Listen(listen);
  if (!fd.ok()) return fd.status();
  Result<SocketAddress> bound = LocalAddress(*fd);
  if (!bound.ok()) {
    ::close(*fd);
    return bound.status();
  }
  return std::unique_ptr<Proxy>(new Proxy(*fd, *bound, target, settings, log));
}

Proxy::Proxy(int listen_fd, SocketAddress bound, SocketAddress target, const LinkSettings& settings, EventLog log)
    : listen_fd_(listen_fd), bound_(bound), target_(target), settings_(settings), log_(log) {}

Proxy::~Proxy() {
  connections_.clear();  // resets whatever is still open
  ::close(listen_fd_);
}

Status Proxy::Run() {
  std::vector<pollfd> fds;
  while (!quit_) {
    auto now = Clock::now();
    fds.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    bool control_timer = false;
    for (const ControlSource& control : controls_) {
      fds.push_back({control.poll_fd(), POLLIN, 0});
      control_timer = control_timer || control.needs_timer();
    }
    // Each connection polls its two sockets; a socket with no interest is skipped (fd -1), so that
    // a hung-up socket whose data we are not ready to take cannot make poll(2) spin.
    std::optional<Clock::time_point> wake;
    const size_t polled = connections_.size();
    for (const auto& connection : connections_) {
      for (auto side : {Connection::Side::kClient, Connection::Side::kServer}) {
        const short events = connection->Interest(side, stalled_);
        fds.push_back({events != 0 ? connection->fd(side) : -1, events, 0});
      }
      const auto deadline = connection->Deadline(now, stalled_);
      if (deadline && (!wake || *deadline < *wake)) wake = deadline;
    }
    int timeout_ms = -1;
    if (wake) {
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*wake - now).count();
      timeout_ms = static_cast<int>(std::clamp<int64_t>(wait, 0, 60'000));
    }
    if (control_timer && (timeout_ms < 0 || timeout_ms > kControlFilePollMs)) timeout_ms = kControlFilePollMs;

    if (::poll(fds.data(), fds.size(), timeout_ms) < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("poll: ") + std::strerror(errno));
    }

    // Commands first, so that a `cut` or `stall` applies before more bytes move.
    for (size_t i = 0; i < controls_.size(); ++i) {
      if (fds[1 + i].revents != 0 || controls_[i].needs_timer()) ReadControl(controls_[i]);
      if (quit_) break;
    }
    if (quit_) break;
    now = Clock::now();
    const size_t first = 1 + controls_.size();
    for (size_t i = 0; i < polled; ++i) {
      connections_[i]->Service(fds[first + 2 * i].revents, fds[first + 2 * i + 1].revents, now, stalled_);
    }
    if (fds[0].revents != 0) AcceptAll();
    std::erase_if(connections_, [](const auto& connection) { return connection->closed(); });
  }
  const size_t open = connections_.size();
  for (auto& connection : connections_) connection->Cut("quit");
  connections_.clear();
  log_("quit (" + std::to_string(open) + " connections reset)");
  return Status::Ok();
}

void Proxy::AcceptAll() {
  for (int i = 0; i < kAcceptsPerWakeup; ++i) {
    SocketAddress peer;
    peer.length = sizeof peer.storage;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer.storage), &peer.length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      log_(std::string("accept failed: ") + std::strerror(errno));
      return;
    }
    const std::string from = FormatAddress(peer);
    if (refusing_) {
      CloseWithReset(fd);
      log_("connection from " + from + " refused");
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Result<int> server = StartConnect(target_);
    const uint64_t id = next_id_++;
    if (!server.ok()) {
      CloseWithReset(fd);
      log_("connection " + std::to_string(id) + " from " + from + ": " + server.status().message());
      continue;
    }
    auto connection = std::make_unique<Connection>(id, fd, *server, from, settings_, Clock::now(), log_);
    connection->SetCutBudget(cut_after_);
    log_("connection " + std::to_string(id) + " accepted from " + from);
    connections_.push_back(std::move(connection));
  }
}

void Proxy::ReadControl(ControlSource& source) {
  const bool was_open = source.open();
  for (const std::string& line : source.ReadLines()) {
    Result<Command> command = ParseCommand(line);
    if (!command.ok()) {
      log_("error: " + command.status().message());
      continue;
    }
    Apply(*command);
    if (quit_) return;
  }
  if (was_open && !source.open()) log_(source.name() + " closed; still running");
}

void Proxy::Apply(const Command& command) {
  const auto now = Clock::now();
  using Kind = Command::Kind;
  switch (command.kind) {
    case Kind::kNone:
      return;
    case Kind::kCut: {
      size_t cut = 0;
      for (auto& connection : connections_) {
        if (connection->closed()) continue;
        connection->Cut("cut");
        ++cut;
      }
      log_("cut " + std::to_string(cut) + " connections");
      return;
    }
    case Kind::kStall:
      stalled_ = true;
      log_("stalled");
      return;
    case Kind::kResume:
      stalled_ = false;
      log_("resumed");
      return;
    case Kind::kRefuse:
      refusing_ = true;
      log_("refusing new connections");
      return;
    case Kind::kAccept:
      refusing_ = false;
      log_("accepting new connections");
      return;
    case Kind::kRate:
      settings_.rate_bps = command.value;
      for (auto& connection : connections_) connection->SetRate(command.value, now);
      log_("rate " + std::to_string(command.value) + " bps" + (command.value == 0 ? " (unlimited)" : ""));
      return;
    case Kind::kLatency:
      settings_.latency = std::chrono::milliseconds(command.value);
      for (auto& connection : connections_) connection->SetLatency(settings_.latency);
      log_("latency " + std::to_string(command.value) + " ms");
      return;
    case Kind::kCutAfter:
      cut_after_ = command.value;
      for (auto& connection : connections_) connection->SetCutBudget(cut_after_);
      log_("cut-after " + std::to_string(command.value) + " bytes");
      return;
    case Kind::kCutAfterOff:
      cut_after_.reset();
      for (auto& connection : connections_) connection->SetCutBudget(std::nullopt);
      log_("cut-after off");
      return;
    case Kind::kStatus:
      LogStatus();
      return;
    case Kind::kQuit:
      quit_ = true;
      return;
  }
}

void Proxy::LogStatus() const {
  const auto latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.latency).count();
  log_("status: listening " + FormatAddress(bound_) + ", target " + FormatAddress(target_) + ", rate " +
       std::to_string(settings_.rate_bps) + " bps, latency " + std::to_string(latency_ms) + " ms" +
       (stalled_ ? ", stalled" : "") + (refusing_ ? ", refusing" : "") +
       (cut_after_ ? ", cut-after " + std::to_string(*cut_after_) : "") + ", " +
       std::to_string(connections_.size()) + " connections");
  for (const auto& connection : connections_) {
    if (!connection->closed()) log_(connection->Describe());
  }
}

}  // namespace dancu::faultproxy
