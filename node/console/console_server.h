// ConsoleServer: the console's HTTP(S) server — cpp-httplib's routing and request parsing over
// connections this class accepts, limits and encrypts itself, so that no client can exhaust the
// node's memory or its worker threads:
//
// - Listening: binds HOST:PORT itself with SO_REUSEADDR only (the library's own bind also sets
//   SO_REUSEPORT, which lets a second process share a port in use); a port in use is an error.
// - TLS: with a certificate and key (PEM files), every connection is TLS (OpenSSL, TLS 1.2+).
// - Connections: at most kMaxConnections at once and kMaxConnectionsPerAddress from one client
//   address. A new connection over either cap takes the place of the one that has waited longest
//   for its next request or for the rest of its head (from the same address, when that address
//   is at its cap), which is closed; when every connection is busy with a request, the new one is
//   closed. Each is served by one of kWorkers threads (more than the cap, so that admitting
//   never waits for a busy worker). A connection idle for kIdleTimeout between requests, or a
//   TLS handshake not done in kHeadTimeout, is closed.
// - Requests: a request's line and headers must arrive within kHeadTimeout and kMaxHeadBytes;
//   its body within kBodyTimeout and kMaxBodyBytes as sent (chunk framing counted). Refuse()
//   turns away, before the body is read, a declared length over the limit (413), a compressed
//   body (415), an unknown transfer coding or both a length and chunks (400), and a body of no
//   stated length (411); a chunked body that runs over is cut off, answered 413 (see CutOff), and
//   its connection closed.
//
// Ownership: owns the listening socket, the TLS context and the worker threads (through the
// library). Thread-safety: Bind and UseTls before Run on one thread; Stop from any thread, also
// before Run has started (Run then returns at once). Connections are served concurrently on the workers. Errors: Bind and UseTls
// return Status (IOError, InvalidArgument) saying which address or file and why.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "storage/status.h"

namespace dancu::console {

class ConsoleServer : public httplib::Server {
 public:
  static constexpr size_t kMaxBodyBytes = 3u << 20;  // a 2 MiB photo, base64, and some room
  static constexpr size_t kMaxHeadBytes = 64u << 10;
  static constexpr size_t kMaxConnections = 64;
  static constexpr size_t kMaxConnectionsPerAddress = 32;
  static constexpr size_t kWorkers = kMaxConnections + 8;
  static constexpr std::chrono::seconds kHeadTimeout{5};
  static constexpr std::chrono::seconds kIdleTimeout{5};
  static constexpr std::chrono::seconds kBodyTimeout{60};

  ConsoleServer();
  ~ConsoleServer() override;

  // Serves TLS with the PEM certificate (chain) and private key in these files.
  Status UseTls(const std::string& cert_file, const std::string& key_file);
  bool tls() const { return tls_ != nullptr; }

  // Binds HOST:PORT (port 0: any free port) and listens; `*bound_port` is the port.
  Status Bind(const std::string& host, int port, int* bound_port);
  // Serves on the bound socket until Stop.
  void Run();
  void Stop();

  // For the pre-routing handler: answers and returns true when the request's body may not be
  // read (see above); the connection is then closed after the answer.
  // `max_body_bytes` (at most kMaxBodyBytes) is the route's own cap: a server for small requests
  // refuses a larger declared length before reading it.
  static bool Refuse(const httplib::Request& req, httplib::Response& res, size_t max_body_bytes = kMaxBodyBytes);
  // For the error handler: whether the request being answered on this thread had its body cut
  // off at the limit (its answer is then 413).
  static bool CutOff();
  // Answers every error as JSON {"error": {"code", "message"}} (node/console/http_json.h): an
  // exception in a handler 500 internal; a body cut off (CutOff) 413 too_large; an unknown path
  // 404 not_found; any other refusal left without a body 400-599 bad_request. Call before Run.
  void SetJsonErrors();

 private:
  struct Connection {
    std::string address;  // the client's
    bool waiting;         // for a request, or for the rest of its head
    bool evicted;         // shut down to make room; its worker is leaving
    std::chrono::steady_clock::time_point since;
  };

  bool process_and_close_socket(socket_t sock) override;
  // Serves requests until the client is done, idle or refused; true when a body was left unread.
  bool Serve(socket_t sock, SSL* ssl);
  bool Admit(socket_t sock, const std::string& address);
  void SetWaiting(socket_t sock, bool waiting);
  void Leave(socket_t sock);

  SSL_CTX* tls_ = nullptr;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> running_{false};
  std::mutex mu_;
  std::map<socket_t, Connection> connections_;  // being served
};

// Whether `host` names this machine's loopback ("localhost", "::1", "127.x.y.z"): only there may a
// server answer without TLS.
bool IsLoopback(const std::string& host);

}  // namespace dancu::console
