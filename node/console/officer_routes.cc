// The node's officers, managed by its chief (a commune) or an operator (a hub, central):
// GET /api/officers → {officers: [{name, role}]}; POST /api/officers {"name", "password", "role"}
// → 201 {officer, role} (node/officers.h AddOfficer); PUT /api/officers/{name} {"role"} → {officer,
// role} (SetOfficerRole); DELETE /api/officers/{name} → {officer} (RemoveOfficer). A role change or
// a removal ends the officer's sessions at once. Any other officer gets 403 permission_denied; the
// node's last manager cannot be demoted or removed (409 failed_precondition).
#include "node/console/console_context.h"
#include "node/console/http_json.h"
#include "node/officers.h"
#include "node/role.h"
#include "storage/officer_role.h"

namespace dancu::console {

namespace {

using nlohmann::json;

// Whether the session's officer may manage officers; answers 403 when not.
bool MayManage(const Session& session, httplib::Response& res) {
  Status allowed = node::CheckMayManageOfficers({session.officer, session.role});
  if (!allowed.ok()) SendStatus(res, allowed);
  return allowed.ok();
}

// The "role" of a request body, answering 400 when it is missing or not a role.
std::optional<schema::OfficerRole> RequireRole(const json& body, httplib::Response& res) {
  auto role_name = RequireString(body, "role", res);
  if (!role_name) return std::nullopt;
  auto role = storage::ParseOfficerRole(*role_name);
  if (!role) SendError(res, 400, "bad_field", "role must be clerk, chief or operator");
  return role;
}

bool Hub(const ConsoleContext& ctx) { return node::IsHub(ctx.node.config().role); }

void List(ConsoleContext& ctx, httplib::Response& res, const Session& session) {
  if (!MayManage(session, res)) return;
  auto officers = node::ListOfficers(ctx.node.store());
  if (!officers.ok()) return SendStatus(res, officers.status());
  json list = json::array();
  for (const node::Officer& o : *officers) list.push_back({{"name", o.name}, {"role", storage::OfficerRoleName(o.role)}});
  SendJson(res, 200, {{"officers", list}});
}

void Add(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res, const Session& session) {
  if (!MayManage(session, res)) return;
  auto body = ParseJsonBody(req, res);
  if (!body) return;
  auto name = RequireString(*body, "name", res);
  if (!name) return;
  auto password = RequireString(*body, "password", res);
  if (!password) return;
  auto role = RequireRole(*body, res);
  if (!role) return;
  Status added = node::AddOfficer(ctx.node.store(), {*name, *role}, *password, Hub(ctx));
  if (!added.ok()) return SendStatus(res, added);
  SendJson(res, 201, {{"officer", *name}, {"role", storage::OfficerRoleName(*role)}});
}

void SetRole(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res, const Session& session) {
  if (!MayManage(session, res)) return;
  auto body = ParseJsonBody(req, res);
  if (!body) return;
  auto role = RequireRole(*body, res);
  if (!role) return;
  const std::string name = req.matches[1];
  Status set = node::SetOfficerRole(ctx.node.store(), {name, *role}, Hub(ctx));
  if (!set.ok()) return SendStatus(res, set);
  ctx.sessions.RemoveOfficer(name);
  SendJson(res, 200, {{"officer", name}, {"role", storage::OfficerRoleName(*role)}});
}

void Remove(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res, const Session& session) {
  if (!MayManage(session, res)) return;
  const std::string name = req.matches[1];
  Status removed = node::RemoveOfficer(ctx.node.store(), name);
  if (!removed.ok()) return SendStatus(res, removed);
  ctx.sessions.RemoveOfficer(name);
  SendJson(res, 200, {{"officer", name}});
}

}  // namespace

void AddOfficerRoutes(httplib::Server& server, ConsoleContext& ctx) {
  server.Get("/api/officers", Authed(ctx, Changes::kNothing,
                                     [&ctx](const httplib::Request&, httplib::Response& res, const Session& session) {
                                       List(ctx, res, session);
                                     }));
  server.Post("/api/officers", Authed(ctx, Changes::kState,
                                      [&ctx](const httplib::Request& req, httplib::Response& res,
                                             const Session& session) { Add(ctx, req, res, session); }));
  constexpr char kOfficerPath[] = R"(/api/officers/([a-z0-9._-]{2,32}))";
  server.Put(kOfficerPath, Authed(ctx, Changes::kState,
                                  [&ctx](const httplib::Request& req, httplib::Response& res, const Session& session) {
                                    SetRole(ctx, req, res, session);
                                  }));
  server.Delete(kOfficerPath, Authed(ctx, Changes::kState,
                                     [&ctx](const httplib::Request& req, httplib::Response& res,
                                            const Session& session) { Remove(ctx, req, res, session); }));
}

}  // namespace dancu::console
