// The node's officers, managed by its chief (a commune) or an operator (a hub, central):
// GET /api/officers → {officers: [{name, role}]}; POST /api/officers {"name", "password", "role"}
// → 201 {officer, role} (node/officers.h AddOfficer). Any other officer gets 403 permission_denied.
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
  auto role_name = RequireString(*body, "role", res);
  if (!role_name) return;
  auto role = storage::ParseOfficerRole(*role_name);
  if (!role) return SendError(res, 400, "bad_field", "role must be clerk, chief or operator");
  Status added = node::AddOfficer(ctx.node.store(), {*name, *role}, *password, node::IsHub(ctx.node.config().role));
  if (!added.ok()) return SendStatus(res, added);
  SendJson(res, 201, {{"officer", *name}, {"role", *role_name}});
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
}

}  // namespace dancu::console
