// POST /api/login, POST /api/logout, GET /api/session, and the Authed wrapper.
#include <chrono>
#include <optional>

#include "node/console/console_context.h"
#include "node/console/http_json.h"
#include "node/console/resident_view.h"
#include "node/node_config.h"
#include "node/officers.h"
#include "node/role.h"
#include "storage/officer_role.h"

namespace dancu::console {

using nlohmann::json;

std::string CookieValue(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(pos, end - pos);
    const size_t first = pair.find_first_not_of(' ');
    if (first != std::string::npos) pair.erase(0, first);
    const size_t eq = pair.find('=');
    if (eq != std::string::npos && pair.compare(0, eq, name) == 0 && eq == name.size()) {
      return pair.substr(eq + 1);
    }
    pos = end + 1;
  }
  return "";
}

namespace {

// Whether the request's Origin, when it has one, is this console's own ("http(s)://" + Host).
bool SameOrigin(const ConsoleContext& ctx, const httplib::Request& req) {
  if (!req.has_header("Origin")) return true;
  return req.get_header_value("Origin") ==
         (ctx.tls ? "https://" : "http://") + req.get_header_value("Host");
}

json NodeJson(const node::Node& node) {
  const auto& config = node.config();
  return {{"id", node::NodeIdHex(config.node_id)},
          {"role", node::RoleName(config.role)},
          {"unit", config.unit},
          {"unit_name", UnitName(config.unit)}};
}

std::string SessionCookie(const ConsoleContext& ctx, const std::string& token) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" +
         (ctx.tls ? "; Secure" : "");
}

}  // namespace

httplib::Server::Handler Authed(ConsoleContext& ctx, Changes changes, AuthedHandler handler) {
  return [&ctx, changes, handler = std::move(handler)](const httplib::Request& req,
                                                        httplib::Response& res) {
    Session session;
    switch (ctx.sessions.Touch(CookieValue(req, kSessionCookie), &session)) {
      case SessionStore::Lookup::kMissing:
        return SendError(res, 401, "no_session", "log in first");
      case SessionStore::Lookup::kExpired:
        return SendError(res, 401, "session_expired", "the session expired; log in again");
      case SessionStore::Lookup::kOk:
        break;
    }
    if (changes == Changes::kState) {
      if (!ConstantTimeEquals(req.get_header_value(kCsrfHeader), session.csrf_token)) {
        return SendError(res, 403, "csrf",
                         "the request lacks this session's CSRF token; reload the page");
      }
      if (!SameOrigin(ctx, req)) {
        return SendError(res, 403, "origin", "the request comes from another site");
      }
    }
    handler(req, res, session);
  };
}

void AddAuthRoutes(httplib::Server& server, ConsoleContext& ctx) {
  // Before login: which unit's node this is and at what level, for the login page (nothing more:
  // not the node's id, nothing of its records).
  server.Get("/api/node", [&ctx](const httplib::Request&, httplib::Response& res) {
    json node = NodeJson(ctx.node);
    node.erase("id");
    SendJson(res, 200, node);
  });

  server.Post("/api/login", [&ctx](const httplib::Request& req, httplib::Response& res) {
    if (!SameOrigin(ctx, req)) return SendError(res, 403, "origin", "the request comes from another site");
    auto body = ParseJsonBody(req, res);
    if (!body) return;
    auto officer = RequireString(*body, "officer", res);
    if (!officer) return;
    auto password = RequireString(*body, "password", res);
    if (!password) return;
    std::chrono::seconds retry_after{0};
    if (!ctx.logins.Begin(*officer, req.remote_addr, &retry_after)) {
      res.set_header("Retry-After", std::to_string(retry_after.count()));
      return SendError(res, 429, "too_many_attempts",
                       "too many failed logins for this officer or from this address; try again in " +
                           std::to_string(retry_after.count()) + " s");
    }
    Status checked = ctx.logins.Check(
        [&] { return node::CheckOfficer(ctx.node.store(), *officer, *password); });
    if (checked.code() == Status::Code::kPermissionDenied) {
      return SendError(res, 401, "bad_credentials", "unknown officer or wrong password");
    }
    if (!checked.ok()) return SendStatus(res, checked);
    auto role = node::OfficerRoleOf(ctx.node.store(), *officer);
    if (!role.ok()) return SendStatus(res, role.status());
    ctx.logins.Succeeded(*officer, req.remote_addr);
    const std::string old = CookieValue(req, kSessionCookie);
    if (!old.empty()) ctx.sessions.Remove(old);
    std::optional<SessionStore::Created> created = ctx.sessions.Create(*officer, *role);
    if (!created) {
      return SendError(res, 503, "too_many_sessions",
                       "the console holds as many sessions as it can; try again when others log out");
    }
    res.set_header("Set-Cookie", SessionCookie(ctx, created->token));
    SendJson(res, 200,
             {{"officer", created->session.officer},
              {"role", storage::OfficerRoleName(*role)},
              {"csrf_token", created->session.csrf_token},
              {"idle_minutes",
               std::chrono::duration<double, std::ratio<60>>(ctx.sessions.idle_timeout()).count()},
              {"node", NodeJson(ctx.node)}});
  });

  server.Post("/api/logout", Authed(ctx, Changes::kState,
                                    [&ctx](const httplib::Request& req, httplib::Response& res,
                                           const Session&) {
                                      ctx.sessions.Remove(CookieValue(req, kSessionCookie));
                                      res.set_header("Set-Cookie",
                                                     std::string(kSessionCookie) +
                                                         "=; Path=/; Max-Age=0; HttpOnly; "
                                                         "SameSite=Strict");
                                      SendJson(res, 200, {{"ok", true}});
                                    }));

  server.Get("/api/session", Authed(ctx, Changes::kNothing,
                                    [&ctx](const httplib::Request&, httplib::Response& res,
                                           const Session& session) {
                                      SendJson(res, 200,
                                               {{"officer", session.officer},
                                                {"role", storage::OfficerRoleName(session.role)},
                                                {"csrf_token", session.csrf_token},
                                                {"node", NodeJson(ctx.node)}});
                                    }));
}

}  // namespace dancu::console
