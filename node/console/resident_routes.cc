// Residents: GET /api/residents?q= (search as the officer types), GET /api/residents/{ref},
// GET /api/residents/{ref}/history, POST /api/residents (register), POST /api/births (a newborn,
// with a citizen number from the node's leased block, node/births.h), and
// POST /api/residents/{ref}/{correction|death|move|household|card|card-case}.
//
// Every change is one draft (node/resident_drafts.h) in the logged-in officer's name, appended
// through Node::Append; the fields it may not set, and every rule it breaks, come back as 422
// with one entry per field.
#include <string>

#include "node/console/console_context.h"
#include "node/console/http_json.h"
#include "node/console/resident_view.h"
#include "node/births.h"
#include "node/card_case.h"
#include "node/resident_drafts.h"
#include "node/verifications.h"
#include "storage/search.h"

namespace dancu::console {

namespace {

using nlohmann::json;

constexpr size_t kDefaultResults = 20;
constexpr size_t kMaxResults = 100;
constexpr size_t kMaxQueryBytes = 200;

// Appends the draft of `operation` with `values` and answers: 201 {"id", "seq", "operation",
// "officer"} and the members of `extra`, or 422 with the field errors.
void Apply(ConsoleContext& ctx, httplib::Response& res, const Session& session,
           schema::Operation operation, const std::string& id, const json& values,
           const json& extra = json::object()) {
  node::DraftOrErrors built = node::MakeDraft(operation, id, values, session.officer, session.role);
  if (!built.errors.empty()) return SendFieldErrors(res, built.errors);
  std::vector<storage::Draft> drafts;
  drafts.push_back(std::move(built.draft));
  auto outcome = ctx.node.Append(drafts);
  if (!outcome.ok()) return SendStatus(res, outcome.status());
  if (!outcome->rejected.empty()) return SendFieldErrors(res, outcome->rejected.front().errors);
  const auto& accepted = outcome->accepted.front();
  json answer = {{"id", accepted.record_id},
                 {"seq", accepted.seq},
                 {"operation", node::OperationName(operation)},
                 {"officer", session.officer}};
  answer.update(extra);
  SendJson(res, operation == schema::Operation::CREATE ? 201 : 200, answer);
}

// A newborn: the fields a birth needs are checked first, so that a form missing one uses no
// serial; a node without serials answers 409 no_lease (it must sync with its parent).
void Birth(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res, const Session& session) {
  auto body = ParseJsonBody(req, res);
  if (!body) return;
  storage::FieldErrors errors = node::CheckBirthValues(*body);
  if (!errors.empty()) return SendFieldErrors(res, errors);
  node::DraftOrErrors checked = node::MakeDraft(schema::Operation::CREATE, "", *body, session.officer, session.role);
  if (!checked.errors.empty()) return SendFieldErrors(res, checked.errors);
  Status issued = node::AssignBirthCitizenNo(ctx.node, *body);
  if (issued.code() == Status::Code::kFailedPrecondition) return SendError(res, 409, "no_lease", issued.message());
  if (!issued.ok()) return SendStatus(res, issued);
  Apply(ctx, res, session, schema::Operation::CREATE, "", *body, {{"citizen_no", (*body)["citizen_no"]}});
}

// Copies the string member `key` of `from` to `to` when it is a non-empty string.
void CopyIfGiven(const json& from, json& to, const char* key) {
  auto it = from.find(key);
  if (it != from.end() && it->is_string() && !it->get<std::string>().empty()) to[key] = *it;
}

// The values of each operation from the request body; nullopt after answering a bad request.
using ValuesFn = std::function<std::optional<json>(const json& body, const json& current,
                                                   httplib::Response& res)>;

std::optional<json> CorrectionValues(const json& body, const json&, httplib::Response& res) {
  if (body.empty()) {
    SendError(res, 400, "missing_field", "give at least one field to correct");
    return std::nullopt;
  }
  return body;
}

std::optional<json> DeathValues(const json& body, const json&, httplib::Response& res) {
  json values = {{"status", "deceased"}};
  auto date = body.find("death_date");
  if (date != body.end() && !date->is_null() && !date->is_string()) {
    SendError(res, 400, "bad_field", "the field death_date must be a string");
    return std::nullopt;
  }
  CopyIfGiven(body, values, "death_date");
  return values;
}

std::optional<json> MoveValues(const json& body, const json&, httplib::Response& res) {
  auto unit = RequireString(body, "unit", res);
  if (!unit) return std::nullopt;
  json place = {{"unit", *unit}};
  CopyIfGiven(body, place, "address");
  return json{{"permanent_residence", place}, {"current_residence", place}};
}

std::optional<json> HouseholdValues(const json& body, const json&, httplib::Response& res) {
  auto id = RequireString(body, "id", res);
  if (!id) return std::nullopt;
  auto relationship = RequireString(body, "relationship", res);
  if (!relationship) return std::nullopt;
  json household = {{"id", *id}, {"relationship", *relationship}};
  CopyIfGiven(body, household, "head_citizen_no");
  return json{{"household", household}};
}

std::optional<json> CardValues(const json& body, const json& current, httplib::Response& res) {
  auto status = RequireString(body, "status", res);
  if (!status) return std::nullopt;
  json card = current.contains("card") ? current["card"] : json::object();
  card["status"] = *status;
  for (const char* key : {"application_id", "applied_on", "card_no", "issued_on", "expires_on"}) {
    CopyIfGiven(body, card, key);
  }
  return json{{"card", card}};
}

// A chip card read that differs from the record, as a case for review (node/card_case.h).
std::optional<json> CardCaseValues(const json& body, const json&, httplib::Response& res) {
  auto values = node::OpenCardCaseValues(body.contains("differences") ? body["differences"] : json());
  if (!values.ok()) {
    SendError(res, 400, "bad_field", values.status().message());
    return std::nullopt;
  }
  return *values;
}

struct OperationRoute {
  const char* path;
  schema::Operation operation;
  ValuesFn values;
};

void Search(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string query = req.get_param_value("q");
  const std::string household = req.get_param_value("household");
  size_t limit = kDefaultResults;
  if (req.has_param("limit")) {
    try {
      limit = std::min<size_t>(std::stoul(req.get_param_value("limit")), kMaxResults);
    } catch (const std::exception&) {
      return SendError(res, 400, "bad_field", "limit must be a number");
    }
  }
  if (query.size() > kMaxQueryBytes) return SendError(res, 400, "bad_field", "the query is too long");
  const storage::Store& store = ctx.node.store();
  std::vector<std::string> ids;
  if (!household.empty()) {
    auto listed = storage::ListHousehold(store, household, limit);
    if (!listed.ok()) return SendStatus(res, listed.status());
    ids = std::move(listed.value());
  } else if (query.size() == 12 && query.find_first_not_of("0123456789") == std::string::npos) {
    auto id = store.FindCitizenNo(query);
    if (!id.ok()) return SendStatus(res, id.status());
    if (id->has_value()) ids.push_back(**id);
  } else if (query.find_first_not_of(' ') != std::string::npos) {
    auto hits = storage::SearchByName(store, query, limit);
    if (!hits.ok()) return SendStatus(res, hits.status());
    for (const auto& hit : *hits) ids.push_back(hit.record_id);
  }
  json results = json::array();
  for (const auto& id : ids) {
    auto summary = ResidentSummary(store, id);
    if (!summary.ok()) return SendStatus(res, summary.status());
    results.push_back(std::move(summary.value()));
  }
  SendJson(res, 200, {{"query", query}, {"results", results}});
}

}  // namespace

void AddResidentRoutes(httplib::Server& server, ConsoleContext& ctx) {
  server.Get("/api/residents", Authed(ctx, Changes::kNothing,
                                      [&ctx](const httplib::Request& req, httplib::Response& res,
                                             const Session&) { Search(ctx, req, res); }));

  server.Get(R"(/api/residents/([^/]+))",
             Authed(ctx, Changes::kNothing,
                    [&ctx](const httplib::Request& req, httplib::Response& res, const Session&) {
                      auto id = ResolveResident(ctx.node.store(), req.matches[1]);
                      if (!id.ok()) return SendStatus(res, id.status());
                      auto view = ResidentView(ctx.node, *id);
                      if (!view.ok()) return SendStatus(res, view.status());
                      SendJson(res, 200, *view);
                    }));

  server.Get(R"(/api/residents/([^/]+)/history)",
             Authed(ctx, Changes::kNothing,
                    [&ctx](const httplib::Request& req, httplib::Response& res, const Session&) {
                      auto id = ResolveResident(ctx.node.store(), req.matches[1]);
                      if (!id.ok()) return SendStatus(res, id.status());
                      auto record = ResidentJson(ctx.node.store(), *id);
                      if (!record.ok()) return SendStatus(res, record.status());
                      auto history = ResidentHistory(ctx.node.store(), *id);
                      if (!history.ok()) return SendStatus(res, history.status());
                      SendJson(res, 200, {{"id", *id}, {"changes", *history}});
                    }));

  // Which agencies verified this citizen at this node, newest first (node/verifications.h).
  server.Get(R"(/api/residents/([^/]+)/verifications)",
             Authed(ctx, Changes::kNothing,
                    [&ctx](const httplib::Request& req, httplib::Response& res, const Session&) {
                      auto id = ResolveResident(ctx.node.store(), req.matches[1]);
                      if (!id.ok()) return SendStatus(res, id.status());
                      auto found = node::VerificationsOf(ctx.node.store(), *id, 50);
                      if (!found.ok()) return SendStatus(res, found.status());
                      nlohmann::json list = nlohmann::json::array();
                      for (const node::Verification& v : *found) {
                        list.push_back({{"at", v.at}, {"agency", v.agency}, {"procedure", v.procedure},
                                        {"decision", v.yes ? "yes" : "no"}});
                      }
                      SendJson(res, 200, {{"id", *id}, {"verifications", list}});
                    }));

  server.Post("/api/residents",
              Authed(ctx, Changes::kState,
                     [&ctx](const httplib::Request& req, httplib::Response& res,
                            const Session& session) {
                       auto body = ParseJsonBody(req, res);
                       if (!body) return;
                       Apply(ctx, res, session, schema::Operation::CREATE, "", *body);
                     }));

  server.Post("/api/births", Authed(ctx, Changes::kState,
                                    [&ctx](const httplib::Request& req, httplib::Response& res,
                                           const Session& session) { Birth(ctx, req, res, session); }));

  static const OperationRoute kOperations[] = {
      {"correction", schema::Operation::UPDATE, CorrectionValues},
      {"death", schema::Operation::RECORD_DEATH, DeathValues},
      {"move", schema::Operation::MOVE, MoveValues},
      {"household", schema::Operation::HOUSEHOLD, HouseholdValues},
      {"card", schema::Operation::CARD_STATUS, CardValues},
      {"card-case", schema::Operation::CARD_REVIEW, CardCaseValues},
  };
  for (const OperationRoute& op : kOperations) {
    server.Post(std::string(R"(/api/residents/([^/]+)/)") + op.path,
                Authed(ctx, Changes::kState,
                       [&ctx, &op](const httplib::Request& req, httplib::Response& res,
                                   const Session& session) {
                         auto body = ParseJsonBody(req, res);
                         if (!body) return;
                         auto id = ResolveResident(ctx.node.store(), req.matches[1]);
                         if (!id.ok()) return SendStatus(res, id.status());
                         auto current = ResidentJson(ctx.node.store(), *id);
                         if (!current.ok()) return SendStatus(res, current.status());
                         auto values = op.values(*body, *current, res);
                         if (!values) return;
                         Apply(ctx, res, session, op.operation, *id, *values);
                       }));
  }
}

}  // namespace dancu::console
