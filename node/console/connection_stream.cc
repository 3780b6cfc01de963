#include "node/console/connection_stream.h"

#include <netdb.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

namespace dancu::console {

namespace {

int MillisUntil(ConnectionStream::Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - ConnectionStream::Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

bool PollFor(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int n;
  do {
    n = ::poll(&p, 1, timeout_ms);
  } while (n < 0 && errno == EINTR);
  return n > 0 && (p.revents & (events | POLLHUP | POLLERR)) != 0;
}

}  // namespace

void NumericAddress(const sockaddr_storage& addr, std::string* ip, int* port) {
  char host[NI_MAXHOST] = "";
  char serv[NI_MAXSERV] = "";
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), sizeof(addr), host, sizeof(host), serv,
                    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    ip->clear();
    *port = -1;
    return;
  }
  *ip = host;
  *port = std::atoi(serv);
}

void ConnectionStream::Limit(size_t bytes, Clock::time_point deadline) {
  budget_ = bytes;
  deadline_ = deadline;
}

bool ConnectionStream::WaitForData(Clock::time_point deadline) const {
  if (ssl_ != nullptr && SSL_pending(ssl_) > 0) return true;
  return PollFor(fd_, POLLIN, MillisUntil(deadline));
}

bool ConnectionStream::is_readable() const {
  return ssl_ != nullptr && SSL_pending(ssl_) > 0;
}

bool ConnectionStream::is_writable() const { return PollFor(fd_, POLLOUT, 0); }

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (budget_ == 0) {
    cut_off_ = true;
    return -1;
  }
  if (!WaitForData(deadline_)) return -1;
  const size_t n = std::min(size, budget_);
  ssize_t got;
  if (ssl_ != nullptr) {
    got = SSL_read(ssl_, ptr, static_cast<int>(n));
  } else {
    do {
      got = ::recv(fd_, ptr, n, 0);
    } while (got < 0 && errno == EINTR);
  }
  if (got > 0) budget_ -= static_cast<size_t>(got);
  return got;
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (ssl_ != nullptr) return SSL_write(ssl_, ptr, static_cast<int>(size));
  ssize_t sent;
  do {
    sent = ::send(fd_, ptr, size, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  return sent;
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
  NumericAddress(addr, &ip, &port);
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
  NumericAddress(addr, &ip, &port);
}

}  // namespace dancu::console
