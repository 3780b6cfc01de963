// WebConsole: the officers' web console and the JSON API behind it, served over HTTP
// (cpp-httplib) from an opened node.
//
// Serves the static pages (node/console/static_assets.h) at / and /static/..., and the API under
// /api/ (docs/console.md lists it), through a ConsoleServer (node/console/console_server.h: body
// and head limits, timeouts, connection caps, TLS). Binds to 127.0.0.1 unless told otherwise; an
// address other than loopback only with TLS (a certificate and key), whose session cookie is then
// Secure. Officers log in with
// their node accounts (node/officers.h); sessions and CSRF tokens are as node/console/sessions.h
// and console_context.h describe. Every change goes through Node::Append in the logged-in
// officer's name. Requests whose Host header is not this console's address are refused (421), so
// a DNS-rebinding page cannot talk to it; every answer carries a strict Content-Security-Policy.
//
// Ownership: borrows the Node, which must outlive the WebConsole; owns its server, sessions and
// fingerprint captures. Thread-safety: Bind, then Run on one thread; Stop may be called from any
// thread (also before Run, which then returns at once). Requests are served on the server's
// worker threads. Errors: Bind returns IOError when the address cannot be bound (a port in use
// included), InvalidArgument for a non-loopback address without TLS or unusable TLS files; requests answer
// JSON errors (node/console/http_json.h) and change nothing when they fail.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "node/node.h"
#include "node/replicator.h"
#include "storage/status.h"

namespace dancu::console {

struct ConsoleOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see WebConsole::port after Bind)
  std::chrono::milliseconds session_idle = std::chrono::minutes(30);
  std::string reader_device;                       // empty: the first fingerprint reader
  std::chrono::seconds capture_timeout{60};        // per capture at the reader
  std::string tls_cert;  // PEM certificate (chain) file; with tls_key: HTTPS. Empty: plain HTTP
  std::string tls_key;   // PEM private key file
  // The replicator's links (node/replicator.h), for the sync screen; empty: no replicator runs.
  std::function<std::vector<node::LinkStatus>()> links;
};

class WebConsole {
 public:
  WebConsole(node::Node& node, ConsoleOptions options);
  ~WebConsole();
  WebConsole(const WebConsole&) = delete;
  WebConsole& operator=(const WebConsole&) = delete;

  Status Bind();
  int port() const { return port_; }
  // "http://127.0.0.1:8080" ("https://..." with TLS)
  std::string url() const;

  // Serves until Stop. Returns at once if Stop was called before.
  void Run();
  void Stop();

 private:
  struct Parts;
  void AddRoutes();

  node::Node& node_;
  const ConsoleOptions options_;
  std::unique_ptr<Parts> parts_;
  int port_ = 0;
};

}  // namespace dancu::console
