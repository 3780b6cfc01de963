#include "devices/card/vpcd_card.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dancu::devices::card {

namespace {

constexpr std::uint8_t kPowerOff = 0;
constexpr std::uint8_t kPowerOn = 1;
constexpr std::uint8_t kReset = 2;
constexpr std::uint8_t kGetAtr = 4;

// vpcd writes a message's length and its bytes in two sends; with Nagle's algorithm on its side
// the second waits for our ACK of the first, which Linux delays by up to 40 ms. Acknowledging at
// once (TCP_QUICKACK, which the kernel clears again after a while, hence before every read)
// takes that wait off every APDU.
bool ReadAll(int fd, std::uint8_t* buf, std::size_t n) {
  while (n > 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    ssize_t r = recv(fd, buf, n, 0);
    if (r <= 0) return false;
    buf += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool Send(int fd, const Bytes& message) {
  Bytes framed = {static_cast<std::uint8_t>(message.size() >> 8),
                  static_cast<std::uint8_t>(message.size())};
  framed.insert(framed.end(), message.begin(), message.end());
  std::size_t sent = 0;
  while (sent < framed.size()) {
    ssize_t r = send(fd, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
    if (r <= 0) return false;
    sent += static_cast<std::size_t>(r);
  }
  return true;
}

int ConnectOnce(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<VpcdCard>> VpcdCard::Insert(SoftwareCard& card, const std::string& host,
                                                   std::uint16_t port,
                                                   std::optional<int> remove_after,
                                                   std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  int fd = ConnectOnce(host, port);
  while (fd < 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    fd = ConnectOnce(host, port);
  }
  if (fd < 0) {
    return Error(ErrorCode::kNoCardReader,
                 "no vpcd virtual reader listens on " + host + ":" + std::to_string(port));
  }
  return std::unique_ptr<VpcdCard>(new VpcdCard(card, fd, remove_after));
}

VpcdCard::VpcdCard(SoftwareCard& card, int socket, std::optional<int> remove_after)
    : card_(card), socket_(socket), remaining_(remove_after), thread_([this] { Serve(); }) {}

VpcdCard::~VpcdCard() {
  shutdown(socket_, SHUT_RDWR);  // wakes the thread's recv
  thread_.join();
  close(socket_);
}

void VpcdCard::Serve() {
  while (true) {
    std::uint8_t header[2];
    if (!ReadAll(socket_, header, 2)) return;
    Bytes message(static_cast<std::size_t>(header[0] << 8 | header[1]));
    if (!ReadAll(socket_, message.data(), message.size())) return;
    if (message.size() == 1) {
      switch (message[0]) {
        case kPowerOff:
        case kPowerOn:
        case kReset:
          card_.Reset();
          break;
        case kGetAtr:
          if (!Send(socket_, SoftwareCard::Atr())) return;
          break;
        default:
          break;
      }
      continue;
    }
    if (remaining_ && (*remaining_)-- <= 0) {
      shutdown(socket_, SHUT_RDWR);  // the card leaves the reader
      return;
    }
    if (!Send(socket_, card_.Process(message))) return;
    ++answered_;
  }
}

}  // namespace dancu::devices::card
