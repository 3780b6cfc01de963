// dancu serve: the long-running node process: the web console (--http) and the replication links
// (--listen, --parent, node/replicator.h), whose status the console shows read-only.
//
// RunServe opens the node for writing (a serve process has no single officer: officers log in
// through the browser, each change is theirs), starts each service on its own thread, reports
// each one's address through `announce`, and runs until `stop` becomes true (SIGINT or SIGTERM in
// `dancu serve`); it then stops every service and returns once they have all finished.
//
// To add a service: an option in ServeOptions, a start in RunServe beside the console's, and its
// stop before the threads are joined.
//
// Errors: the Status of opening the node or binding an address; nothing is served then.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "storage/status.h"
#include "tools/dancu/cli.h"

namespace dancu::tools {

struct ServeOptions {
  NodeOptions node;                 // --data, --passphrase-file (no officer)
  std::string http;                 // "127.0.0.1:8080" ("HOST:0": any free port); empty: none
  std::string ida;                  // agency verification on HOST:PORT; empty: none
  uint32_t receipt_days = 400;      // --ida: days a transaction's signed answer is kept (at least 1)
  std::string tls_cert;             // PEM certificate for HTTPS (console and --ida); required off loopback
  std::string tls_key;              // PEM private key for it
  double session_idle_minutes = 30;  // the console's session idle timeout
  std::string reader_device;        // fingerprint reader; empty: the first one
  std::string listen;               // replication: tcp://ADDR:PORT to bind for children; empty: none
  std::string parent;               // replication: tcp://ADDR:PORT of the parent; empty: none
  double sync_interval_s = 2;       // between sessions with the parent
};

// Parses "HOST:PORT" ("[::1]:8080" for IPv6). InvalidArgument when malformed.
Result<std::pair<std::string, int>> ParseHostPort(const std::string& text);

Status RunServe(const ServeOptions& options, const std::atomic<bool>& stop,
                const std::function<void(const std::string& line)>& announce);

}  // namespace dancu::tools
