// The operators' review queue: GET /api/conflicts[?all=1][&record=ID] (node/conflicts.h, each
// with the record's summary beside it), POST /api/conflicts/{id}/resolve {"keep": "kept"|"other"|RECORD}
// (the resolving change, in the logged-in officer's name, appended through Node::Append), and
// GET /api/quarantine (node/quarantine.h).
#include "node/conflicts.h"
#include "node/console/console_context.h"
#include "node/console/http_json.h"
#include "node/console/resident_view.h"
#include "node/quarantine.h"
#include "node/role.h"

namespace dancu::console {

namespace {

using nlohmann::json;

void List(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Store& store = ctx.node.store();
  auto listed = node::ListConflicts(store, req.get_param_value("all") == "1", req.get_param_value("record"));
  if (!listed.ok()) return SendStatus(res, listed.status());
  for (json& c : *listed) {
    for (const char* key : {"record", "other_record"}) {
      if (!c.contains(key)) continue;
      auto summary = ResidentSummary(store, c[key].get<std::string>());
      c[std::string(key) + "_summary"] = summary.ok() ? *summary : json(nullptr);
    }
  }
  SendJson(res, 200, {{"conflicts", *listed}});
}

void Resolve(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res, const Session& session) {
  auto body = ParseJsonBody(req, res);
  if (!body) return;
  auto keep = RequireString(*body, "keep", res);
  if (!keep) return;
  const std::string id = req.matches[1];
  auto draft = node::ResolvingDraft(ctx.node.store(), id, *keep, {session.officer, session.role},
                                    node::IsHub(ctx.node.config().role));
  if (!draft.ok()) return SendStatus(res, draft.status());
  std::vector<storage::Draft> drafts;
  drafts.push_back(std::move(draft.value()));
  auto outcome = ctx.node.Append(drafts);
  if (!outcome.ok()) return SendStatus(res, outcome.status());
  if (!outcome->rejected.empty()) return SendFieldErrors(res, outcome->rejected.front().errors);
  const auto& accepted = outcome->accepted.front();
  SendJson(res, 200, {{"resolved", id}, {"record", accepted.record_id}, {"seq", accepted.seq}, {"officer", session.officer}});
}

}  // namespace

void AddConflictRoutes(httplib::Server& server, ConsoleContext& ctx) {
  server.Get("/api/conflicts", Authed(ctx, Changes::kNothing,
                                      [&ctx](const httplib::Request& req, httplib::Response& res, const Session&) {
                                        List(ctx, req, res);
                                      }));
  server.Post(R"(/api/conflicts/([0-9A-Za-z_-]+)/resolve)",
              Authed(ctx, Changes::kState,
                     [&ctx](const httplib::Request& req, httplib::Response& res, const Session& session) {
                       Resolve(ctx, req, res, session);
                     }));
  server.Get("/api/quarantine", Authed(ctx, Changes::kNothing,
                                       [&ctx](const httplib::Request&, httplib::Response& res, const Session&) {
                                         auto listed = node::ListQuarantine(ctx.node.store());
                                         if (!listed.ok()) return SendStatus(res, listed.status());
                                         SendJson(res, 200, {{"quarantine", *listed}});
                                       }));
}

}  // namespace dancu::console
