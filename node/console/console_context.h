// What the console's route handlers share: the node, the sessions, the captures, and the wrapper
// that authenticates an API request before its handler runs.
//
// Authentication (Authed): the session cookie must name a live session (else 401 no_session or
// session_expired); a request that changes state must also carry the session's CSRF token in the
// X-CSRF-Token header, compared in constant time (else 403 csrf), and, when the browser sends an
// Origin header, come from this console's own origin (else 403 origin). The handler then runs
// with the session, whose officer every change it makes is attributed to.
//
// `links` is a read-only view of the replicator's links (node/replicator.h Replicator::Links); it
// answers an empty list when the node runs no replicator.
//
// Ownership: borrows the Node and the card reader; owns nothing else but references and the
// `links` view. Thread-safety: handlers run on
// the HTTP server's worker threads concurrently; everything reachable here is thread-safe.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "devices/card/card_read_worker.h"
#include "node/console/finger_captures.h"
#include "node/console/login_throttle.h"
#include "node/console/sessions.h"
#include "node/node.h"
#include "node/replicator.h"

namespace dancu::console {

inline constexpr char kSessionCookie[] = "dancu_session";
inline constexpr char kCsrfHeader[] = "X-CSRF-Token";

struct ConsoleContext {
  node::Node& node;
  SessionStore& sessions;
  FingerCaptures& captures;
  LoginThrottle& logins;
  std::function<std::vector<node::LinkStatus>()> links;
  devices::card::CardReadWorker& card_reader;  // the node's card reader, on its own thread
  bool tls = false;  // served over HTTPS: the session cookie is Secure, origins are https://
};

using AuthedHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const Session&)>;

enum class Changes { kNothing, kState };

// Wraps `handler` with the checks above.
httplib::Server::Handler Authed(ConsoleContext& ctx, Changes changes, AuthedHandler handler);

// The value of cookie `name` in the request, or "".
std::string CookieValue(const httplib::Request& req, const std::string& name);

// Route groups (one file each).
void AddAuthRoutes(httplib::Server& server, ConsoleContext& ctx);        // login, logout, session
void AddResidentRoutes(httplib::Server& server, ConsoleContext& ctx);    // search, view, changes, births
void AddEnrollmentRoutes(httplib::Server& server, ConsoleContext& ctx);  // photo, fingers
void AddReportRoutes(httplib::Server& server, ConsoleContext& ctx);      // progress per unit
void AddSyncRoutes(httplib::Server& server, ConsoleContext& ctx);        // links, backlog, bundles
void AddConflictRoutes(httplib::Server& server, ConsoleContext& ctx);    // review queue, quarantine
void AddOfficerRoutes(httplib::Server& server, ConsoleContext& ctx);     // the node's officers
void AddCardRoutes(httplib::Server& server, ConsoleContext& ctx);        // Đọc thẻ: read a chip card

}  // namespace dancu::console
