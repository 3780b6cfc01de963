// Proxy: the single-threaded poll(2) event loop of dancu-faultproxy. It accepts connections on
// the listening socket, opens one connection to the target for each, relays both directions
// through Connection, and applies control commands from its ControlSources.
//
// Ownership: owns the listening socket, the connections and the control sources.
// Thread-safety: none; everything runs on the thread that calls Run().
// Errors: Create returns Status::IOError/InvalidArgument for a socket that cannot be bound; Run
// returns Status::IOError only if poll(2) itself fails. Per-connection and per-command errors are
// logged as events and never stop the loop. SIGPIPE must be ignored by the caller (sends use
// MSG_NOSIGNAL too).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "storage/status.h"
#include "tools/faultproxy/command.h"
#include "tools/faultproxy/connection.h"
#include "tools/faultproxy/control_source.h"
#include "tools/faultproxy/event_log.h"
#include "tools/faultproxy/net.h"

namespace dancu::faultproxy {

class Proxy {
 public:
  // Binds `listen` (port 0 picks one; see listening_address()).
  static Result<std::unique_ptr<Proxy>> Create(const SocketAddress& listen, const SocketAddress& target,
                                               const LinkSettings& settings, EventLog log);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  const SocketAddress& listening_address() const { return bound_; }
  void AddControl(ControlSource source) { controls_.push_back(std::move(source)); }

  // Relays until a `quit` command; then resets every connection and returns Ok.
  Status Run();
  // Applies one command at the current time and logs its effect.
  void Apply(const Command& command);

 private:
  Proxy(int listen_fd, SocketAddress bound, SocketAddress target, const LinkSettings& settings, EventLog log);
  void AcceptAll();
  void ReadControl(ControlSource& source);
  void LogStatus() const;

  int listen_fd_;
  SocketAddress bound_, target_;
  LinkSettings settings_;
  EventLog log_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<ControlSource> controls_;
  uint64_t next_id_ = 1;
  bool stalled_ = false;
  bool refusing_ = false;
  bool quit_ = false;
  std::optional<uint64_t> cut_after_;  // budget given to connections accepted from now on
};

}  // namespace dancu::faultproxy
