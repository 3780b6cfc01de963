// IdaServer: agency verification over HTTP(S) — `dancu serve --ida HOST:PORT` — serving
// node/ida_service.h at POST /ida/v1/verify and POST /ida/v1/receipt through a ConsoleServer (the
// console's hardened server: TLS, connection caps, head and body deadlines). Bodies are capped at
// node::kMaxRequestBytes (16 KiB): a larger declared length is refused (413) before it is read.
// An address other than loopback needs TLS. Every answer is JSON, with Cache-Control: no-store;
// a 429 carries Retry-After.
//
// Ownership: borrows the Node (which must outlive it); owns its server and service.
// Thread-safety: Bind, then Run on one thread; Stop from any thread (also before Run). Errors:
// Bind returns IOError for an address that cannot be bound, InvalidArgument for TLS files that
// cannot be used or a non-loopback address without TLS, FailedPrecondition for a node without
// its keys or its certificate.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "node/ida_service.h"
#include "node/node.h"

namespace dancu::console {

struct IdaServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string tls_cert, tls_key;  // PEM files; both or neither
  node::IdaOptions service;       // receipts' retention
};

class IdaServer {
 public:
  IdaServer(node::Node& node, IdaServerOptions options);
  ~IdaServer();
  IdaServer(const IdaServer&) = delete;
  IdaServer& operator=(const IdaServer&) = delete;

  Status Bind();
  std::string url() const;  // "https://127.0.0.1:PORT"
  void Run();
  void Stop();

 private:
  struct Parts;
  node::Node& node_;
  const IdaServerOptions options_;
  std::unique_ptr<Parts> parts_;
  int port_ = 0;
};

}  // namespace dancu::console
