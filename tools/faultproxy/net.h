// Socket helpers of dancu-faultproxy: addresses, non-blocking listen/accept/connect, abrupt close.
//
// Thin wrappers over POSIX calls. Thread-safety: as the calls they wrap. Errors: Status::IOError
// or InvalidArgument with strerror text; none of these functions exits or throws. The caller owns
// every returned file descriptor.
#pragma once

#include <sys/socket.h>

#include <string>

#include "storage/status.h"

namespace dancu::faultproxy {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// "127.0.0.1:5000", "[::1]:5000" or "localhost:5000" (resolved once, numeric results preferred).
Result<SocketAddress> ResolveAddress(const std::string& host_port);
// "127.0.0.1:5000" / "[::1]:5000".
std::string FormatAddress(const SocketAddress& address);

// A non-blocking listening socket (SO_REUSEADDR) bound to `address`; port 0 picks a free port.
Result<int> Listen(const SocketAddress& address);
// The address a socket is bound to (getsockname).
Result<SocketAddress> LocalAddress(int fd);
// Starts a non-blocking connect; the result is known when the socket becomes writable
// (see SocketError). An immediate failure is returned as an error.
Result<int> StartConnect(const SocketAddress& address);
// 0 once a non-blocking connect completed, else its errno (SO_ERROR).
int SocketError(int fd);

Status SetNonBlocking(int fd);
// Closes `fd` so that the peer sees a reset (SO_LINGER 0), not an orderly end of stream.
void CloseWithReset(int fd);

}  // namespace dancu::faultproxy
