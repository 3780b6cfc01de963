#include "node/console/console_server.h"

#include <thread>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "node/console/connection_stream.h"
#include "node/console/http_json.h"

namespace dancu::console {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxRequestsPerConnection = 100;

// The connection this worker thread serves, and whether its answer must close it.
thread_local ConnectionStream* t_stream = nullptr;
thread_local bool t_close_after_answer = false;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

std::string PeerAddress(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  std::string ip;
  int port = 0;
  NumericAddress(addr, &ip, &port);
  return ip;
}

// SSL_accept on the socket, given until `deadline`.
bool Handshake(int fd, SSL* ssl, Clock::time_point deadline) {
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  bool done = false;
  while (true) {
    const int r = SSL_accept(ssl);
    if (r == 1) {
      done = true;
      break;
    }
    const int error = SSL_get_error(ssl, r);
    short events;
    if (error == SSL_ERROR_WANT_READ) {
      events = POLLIN;
    } else if (error == SSL_ERROR_WANT_WRITE) {
      events = POLLOUT;
    } else {
      break;
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd, events, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) break;
  }
  ERR_clear_error();
  ::fcntl(fd, F_SETFL, flags);
  return done;
}

// Closes a connection whose client may still be sending a body that was not read: stops
// writing, reads for a short while so that the answer is not lost to a reset, then closes.
void DrainAndClose(int fd) {
  ::shutdown(fd, SHUT_WR);
  const auto deadline = Clock::now() + std::chrono::seconds(1);
  char sink[16384];
  size_t drained = 0;
  while (drained < (1u << 20)) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    const ssize_t n = ::recv(fd, sink, sizeof(sink), 0);
    if (n <= 0) break;
    drained += static_cast<size_t>(n);
  }
  ::close(fd);
}

bool Answer(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.set_content("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}",
                  "application/json");
  t_close_after_answer = true;
  return true;
}

}  // namespace

ConsoleServer::ConsoleServer() {
  new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  // Also bounds how long one read of a TLS record may block.
  set_read_timeout(kHeadTimeout);
  set_write_timeout(std::chrono::seconds(10));
}

ConsoleServer::~ConsoleServer() {
  // Bound but never served: the listening socket is still open.
  const socket_t listening = svr_sock_.exchange(INVALID_SOCKET);
  if (!is_running() && listening != INVALID_SOCKET) ::close(listening);
  if (tls_ != nullptr) SSL_CTX_free(tls_);
}

Status ConsoleServer::UseTls(const std::string& cert_file, const std::string& key_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return Status::IOError("cannot set up TLS: " + OpenSslError());
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    SSL_CTX_free(ctx);
    return Status::InvalidArgument("cannot use the TLS certificate " + cert_file + ": " + OpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(ctx);
    return Status::InvalidArgument("cannot use the TLS key " + key_file + ": " + OpenSslError());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    SSL_CTX_free(ctx);
    return Status::InvalidArgument("the TLS key " + key_file + " does not match the certificate " +
                                   cert_file);
  }
  if (tls_ != nullptr) SSL_CTX_free(tls_);
  tls_ = ctx;
  return Status::Ok();
}

Status ConsoleServer::Bind(const std::string& host, int port, int* bound_port) {
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int e = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); e != 0) {
    return Status::IOError("cannot bind " + where + ": " + ::gai_strerror(e));
  }
  std::string why = "no address";
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    // SO_REUSEADDR lets a restarted console take its port back from connections in TIME_WAIT;
    // not SO_REUSEPORT, which would let two processes listen on one port.
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
      why = errno == EADDRINUSE      ? "the port is in use (by another dancu serve or program)"
            : errno == EADDRNOTAVAIL ? "not an address of this machine"
                                     : std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) return Status::IOError("cannot bind " + where + ": " + why);
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string ip;
  NumericAddress(addr, &ip, bound_port);
  svr_sock_ = fd;
  return Status::Ok();
}

bool ConsoleServer::Refuse(const httplib::Request& req, httplib::Response& res, size_t max_body_bytes) {
  const std::string coding = Lower(req.get_header_value("Content-Encoding"));
  if (!coding.empty() && coding != "identity") {
    return Answer(res, 415, "unsupported_encoding", "send the body uncompressed");
  }
  const bool has_length = req.has_header("Content-Length");
  if (req.has_header("Transfer-Encoding")) {
    if (Lower(req.get_header_value("Transfer-Encoding")) != "chunked" || has_length) {
      return Answer(res, 400, "bad_transfer_encoding",
                    "send the body with a Content-Length or chunked, not both");
    }
    return false;
  }
  if (has_length) {
    const std::string length = req.get_header_value("Content-Length");
    if (length.empty() || length.size() > 18 || length.find_first_not_of("0123456789") != std::string::npos) {
      return Answer(res, 400, "bad_content_length", "the Content-Length is not a number");
    }
    if (std::stoull(length) > std::min(max_body_bytes, kMaxBodyBytes)) {
      return Answer(res, 413, "too_large", "the request body is too large");
    }
    return false;
  }
  if (req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
    return Answer(res, 411, "length_required", "send the body with a Content-Length");
  }
  return false;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool ConsoleServer::CutOff() { return t_stream != nullptr && t_stream->cut_off(); }

void ConsoleServer::SetJsonErrors() {
  set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    SendError(res, 500, "internal", "the request failed inside the node");
  });
  set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (CutOff()) res.status = 413;
    if (!res.body.empty()) return;
    if (res.status == 404) {
      SendError(res, 404, "not_found", "no such resource: " + req.path);
    } else if (res.status == 413) {
      SendError(res, 413, "too_large", "the request body is too large");
    } else if (res.status >= 400) {
      SendError(res, res.status, "bad_request", "the request was refused");
    }
  });
}

bool ConsoleServer::process_and_close_socket(socket_t sock) {
  const std::string address = PeerAddress(sock);
  if (!Admit(sock, address)) {
    ::close(sock);
    return false;
  }
  // Answers go out whole at once: no Nagle delay (against the client's delayed ACK) on a small
  // answer that follows its headers.
  const int nodelay = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof(nodelay));
  SSL* ssl = nullptr;
  bool ok = true;
  if (tls_ != nullptr) {
    ssl = SSL_new(tls_);
    ok = ssl != nullptr && SSL_set_fd(ssl, sock) == 1 && Handshake(sock, ssl, Clock::now() + kHeadTimeout);
  }
  t_close_after_answer = false;
  const bool drain = ok && Serve(sock, ssl);
  if (ssl != nullptr) {
    if (ok) SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  Leave(sock);
  if (drain) {
    DrainAndClose(sock);
  } else {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }
  return true;
}

bool ConsoleServer::Serve(socket_t sock, SSL* ssl) {
  ConnectionStream stream(sock, ssl);
  t_stream = &stream;
  bool unread_body = false;
  for (size_t i = 0; i < kMaxRequestsPerConnection; ++i) {
    SetWaiting(sock, true);
    const auto idle_until = Clock::now() + kIdleTimeout;
    bool data = false;
    while (!data && svr_sock_ != INVALID_SOCKET && Clock::now() < idle_until) {
      data = stream.WaitForData(std::min(idle_until, Clock::now() + std::chrono::milliseconds(100)));
    }
    if (!data) break;
    stream.Limit(kMaxHeadBytes, Clock::now() + kHeadTimeout);
    bool closed = false;
    const bool served = process_request(
        stream, i + 1 == kMaxRequestsPerConnection, closed, [this, sock, &stream](httplib::Request& req) {
          SetWaiting(sock, false);
          size_t body = 0;
          if (req.has_header("Transfer-Encoding")) {
            body = kMaxBodyBytes;
          } else if (req.has_header("Content-Length")) {
            body = std::min<uint64_t>(req.get_header_value<uint64_t>("Content-Length"), kMaxBodyBytes);
          }
          stream.Limit(body, Clock::now() + kBodyTimeout);
        });
    unread_body = t_close_after_answer || stream.cut_off();
    if (!served || closed || unread_body) break;
  }
  t_stream = nullptr;
  t_close_after_answer = false;
  return unread_body;
}

bool ConsoleServer::Admit(socket_t sock, const std::string& address) {
  std::lock_guard lock(mu_);
  size_t total = 0, from_address = 0;
  for (const auto& [fd, c] : connections_) {
    if (c.evicted) continue;
    ++total;
    if (c.address == address) ++from_address;
  }
  if (total >= kMaxConnections || from_address >= kMaxConnectionsPerAddress) {
    // Make room by closing the connection that has waited longest for a request (idle, or
    // sending its head slowly) — from the same address when that address is at its cap.
    const bool same_address = from_address >= kMaxConnectionsPerAddress;
    auto oldest = connections_.end();
    for (auto it = connections_.begin(); it != connections_.end(); ++it) {
      const Connection& c = it->second;
      if (!c.waiting || c.evicted || (same_address && c.address != address)) continue;
      if (oldest == connections_.end() || c.since < oldest->second.since) oldest = it;
    }
    if (oldest == connections_.end()) return false;
    oldest->second.evicted = true;
    ::shutdown(oldest->first, SHUT_RDWR);  // its worker wakes, sees the end, and leaves
  }
  connections_[sock] = Connection{address, true, false, Clock::now()};
  return true;
}

void ConsoleServer::SetWaiting(socket_t sock, bool waiting) {
  std::lock_guard lock(mu_);
  auto it = connections_.find(sock);
  if (it == connections_.end()) return;
  it->second.waiting = waiting;
  it->second.since = Clock::now();
}

void ConsoleServer::Leave(socket_t sock) {
  std::lock_guard lock(mu_);
  connections_.erase(sock);
}

void ConsoleServer::Run() {
  running_ = true;
  if (!stopped_) listen_after_bind();
  running_ = false;
}

void ConsoleServer::Stop() {
  stopped_ = true;
  // Run may be between its check of stopped_ and the server's start: wait for the start, so
  // that stop() reaches it (seq_cst atomics: either Run sees stopped_, or this sees running_).
  while (running_ && !is_running()) std::this_thread::yield();
  stop();
}

}  // namespace dancu::console
