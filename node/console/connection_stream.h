// ConnectionStream: one accepted console connection (plain TCP, or TLS through an OpenSSL session)
// as the HTTP library's Stream, with a budget on what reading may still deliver: a byte count
// and a deadline, set by the server before each request's head and again before its body
// (node/console/console_server.h). A read past the byte budget fails and marks the stream
// cut_off(); a read past the deadline fails. Nothing the client sends can make the server hold
// more than the budget or wait past the deadline.
//
// Ownership: borrows the socket and the SSL session (the server closes them). Thread-safety: one
// thread at a time (the worker serving the connection). Errors: read and write return -1.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>

namespace dancu::console {

class ConnectionStream : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;

  ConnectionStream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}

  // From now on, reads deliver at most `bytes` more bytes, and none after `deadline`.
  void Limit(size_t bytes, Clock::time_point deadline);
  // Whether a read was refused because the byte budget ran out.
  bool cut_off() const { return cut_off_; }
  // Waits until the client has sent something (true) or `deadline` passed or it hung up (false).
  bool WaitForData(Clock::time_point deadline) const;

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return fd_; }

 private:
  const int fd_;
  SSL* const ssl_;
  size_t budget_ = 0;
  Clock::time_point deadline_{};
  bool cut_off_ = false;
};

// The numeric address of a socket address ("127.0.0.1", "::1"), and its port.
void NumericAddress(const sockaddr_storage& addr, std::string* ip, int* port);

}  // namespace dancu::console
