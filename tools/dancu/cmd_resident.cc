// dancu resident show|find|add|update|death|move|household|card|merge.
#include <algorithm>
#include <chrono>
#include <iostream>

#include "node/files.h"
#include "node/births.h"
#include "node/resident_drafts.h"
#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/record_json.h"
#include "storage/search.h"
#include "tools/dancu/cli.h"

namespace dancu::tools {

namespace {

using nlohmann::json;

// The record's state as JSON: {"record": {...}, "versions": [...]}.
Result<json> RecordJson(const storage::Store& store, const std::string& id) {
  auto bytes = store.GetRecord(id);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return Status::NotFound("no record " + id);
  auto state = storage::Parsed<schema::RecordState>::Parse(**bytes, "record " + id);
  if (!state.ok()) return state.status();
  json versions = json::array();
  for (auto v : state->get().getVersions()) {
    versions.push_back({{"origin", node::NodeIdHex(v.getOrigin())}, {"seq", v.getSeq()}});
  }
  auto resident = state->get().getResident();
  auto today = storage::TodayInVietnam(std::chrono::system_clock::now());
  auto errors = storage::Validate(resident, today);
  auto gaps = storage::CompletenessGaps(resident);
  return json{{"record", storage::ResidentToJson(resident)},
              {"versions", versions},
              {"clean", errors.empty() && gaps.empty()},
              {"errors", ErrorsJson(errors)},
              {"gaps", gaps}};
}

void PrintRecord(const json& shown, bool as_json) {
  if (as_json) return PrintJson(shown);
  std::cout << shown["record"].dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  std::cout << (shown["clean"].get<bool>() ? "clean" : "not clean");
  for (const auto& gap : shown["gaps"]) std::cout << "; " << gap.get<std::string>();
  std::cout << "\n";
}

void AddShow(CLI::App& group, Runner& runner) {
  auto opts = std::make_shared<std::pair<NodeOptions, std::string>>();
  auto* cmd = group.add_subcommand("show", "show a resident by record id or citizen number");
  opts->first.AddTo(cmd, false);
  cmd->add_option("resident", opts->second, "record id or 12-digit citizen number")->required();
  cmd->callback([opts, &runner] {
    auto node = OpenForReading(opts->first);
    if (!node.ok()) return runner.Fail(node.status(), opts->first.json);
    auto id = ResolveRecord((*node)->store(), opts->second);
    if (!id.ok()) return runner.Fail(id.status(), opts->first.json);
    auto shown = RecordJson((*node)->store(), *id);
    if (!shown.ok()) return runner.Fail(shown.status(), opts->first.json);
    PrintRecord(*shown, opts->first.json);
  });
}

void AddFind(CLI::App& group, Runner& runner) {
  struct Options {
    NodeOptions node;
    std::string query, household, unit;
    size_t limit = 20;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = group.add_subcommand("find", "find residents by name (diacritics optional, a trailing year "
                                           "narrows), citizen number, household or unit");
  opts->node.AddTo(cmd, false);
  cmd->add_option("query", opts->query, "a name such as 'nguyen van an 1985', or a citizen number");
  cmd->add_option("--household", opts->household, "list a household");
  cmd->add_option("--unit", opts->unit, "list residents of a unit (permanent residence)");
  cmd->add_option("--limit", opts->limit, "most results (default 20)");
  cmd->callback([opts, &runner] {
    const bool as_json = opts->node.json;
    auto node = OpenForReading(opts->node);
    if (!node.ok()) return runner.Fail(node.status(), as_json);
    const storage::Store& store = (*node)->store();
    std::vector<std::string> ids;
    if (!opts->household.empty() || !opts->unit.empty()) {
      auto listed = opts->household.empty() ? storage::ListUnit(store, opts->unit, opts->limit)
                                            : storage::ListHousehold(store, opts->household, opts->limit);
      if (!listed.ok()) return runner.Fail(listed.status(), as_json);
      ids = std::move(listed.value());
    } else if (IsCitizenNo(opts->query)) {
      auto id = store.FindCitizenNo(opts->query);
      if (!id.ok()) return runner.Fail(id.status(), as_json);
      if (id->has_value()) ids.push_back(**id);
    } else if (!opts->query.empty()) {
      auto hits = storage::SearchByName(store, opts->query, opts->limit);
      if (!hits.ok()) return runner.Fail(hits.status(), as_json);
      for (const auto& hit : *hits) ids.push_back(hit.record_id);
    } else {
      return runner.Fail(Status::InvalidArgument("give a query, --household or --unit"), as_json);
    }
    json results = json::array();
    for (const auto& id : ids) {
      auto shown = RecordJson(store, id);
      if (!shown.ok()) return runner.Fail(shown.status(), as_json);
      const json& r = (*shown)["record"];
      results.push_back({{"id", id},
                         {"citizen_no", r.value("citizen_no", "")},
                         {"full_name", r.value("full_name", "")},
                         {"birth_date", r.value("birth_date", "")},
                         {"status", r.value("status", "alive")},
                         {"unit", r.contains("permanent_residence") ? r["permanent_residence"].value("unit", "") : ""}});
    }
    if (as_json) return PrintJson(results);
    for (const auto& r : results) {
      std::cout << r["id"].get<std::string>() << "  " << r["citizen_no"].get<std::string>() << "  "
                << r["full_name"].get<std::string>() << "  " << r["birth_date"].get<std::string>() << "  "
                << r["unit"].get<std::string>() << "\n";
    }
    std::cout << results.size() << " found\n";
  });
}

// Appends one draft of `operation` on `ref` (empty for create) and reports the outcome.
// `make_values` may read the current record (as JSON) to build the values to set.
using ValuesFn = std::function<Result<json>(node::Node& node, const json* current)>;

void ApplyOperation(Runner& runner, const NodeOptions& options, schema::Operation operation,
                    const std::string& ref, const ValuesFn& make_values) {
  auto session = OpenForWriting(options);
  if (!session.ok()) return runner.Fail(session.status(), options.json);
  storage::Store& store = session->node->store();
  std::string id;
  std::optional<json> current;
  if (operation != schema::Operation::CREATE) {
    auto resolved = ResolveRecord(store, ref);
    if (!resolved.ok()) return runner.Fail(resolved.status(), options.json);
    id = *resolved;
    auto shown = RecordJson(store, id);
    if (!shown.ok()) return runner.Fail(shown.status(), options.json);
    current = (*shown)["record"];
  }
  auto values = make_values(*session->node, current ? &*current : nullptr);
  if (!values.ok()) return runner.Fail(values.status(), options.json);
  node::DraftOrErrors built = node::MakeDraft(operation, id, *values, session->officer, session->role);
  storage::FieldErrors errors = std::move(built.errors);
  std::vector<storage::Draft> drafts;
  if (errors.empty()) {
    drafts.push_back(std::move(built.draft));
    auto outcome = session->node->Append(drafts);
    if (!outcome.ok()) return runner.Fail(outcome.status(), options.json);
    if (!outcome->rejected.empty()) errors = outcome->rejected.front().errors;
    else {
      const auto& accepted = outcome->accepted.front();
      // A registration names its citizen number (a birth's is issued here).
      const std::string number = operation == schema::Operation::CREATE ? values->value("citizen_no", "") : "";
      if (options.json) {
        json out = {{"id", accepted.record_id}, {"seq", accepted.seq}, {"operation", node::OperationName(operation)}};
        if (!number.empty()) out["citizen_no"] = number;
        PrintJson(out);
      } else {
        std::cout << node::OperationName(operation) << " " << accepted.record_id << " (change " << accepted.seq
                  << (number.empty() ? "" : ", citizen number " + number) << ")\n";
      }
      return;
    }
  }
  if (options.json) PrintJson({{"rejected", ErrorsJson(errors)}});
  else for (const auto& e : errors) std::cerr << "rejected: " << (e.field.empty() ? "" : e.field + ": ") << e.reason << "\n";
  runner.Set(kExitRejected);
}

// A JSON object given inline ('{...}'), in a file, or on stdin ('-').
Result<json> ReadJsonArgument(const std::string& arg) {
  std::string text = arg;
  if (arg == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else if (arg.empty() || arg.front() != '{') {
    auto file = node::ReadWholeFile(arg);
    if (!file.ok()) return file.status();
    text = std::move(file.value());
  }
  json value;
  storage::FieldErrors errors = storage::ParseJsonLine(text, &value);
  if (!errors.empty()) return Status::InvalidArgument(ErrorsText(errors));
  return value;
}

struct OpOptions {
  NodeOptions node;
  std::string ref, body, date, unit, address, household, head, relationship, into;
  std::string status, application_id, applied_on, card_no, issued_on, expires_on;
};

CLI::App* AddOpCommand(CLI::App& group, const char* name, const char* help, std::shared_ptr<OpOptions> opts,
                       bool takes_ref) {
  auto* cmd = group.add_subcommand(name, help);
  opts->node.AddTo(cmd, true);
  if (takes_ref) cmd->add_option("resident", opts->ref, "record id or 12-digit citizen number")->required();
  return cmd;
}

// Sets `key` of `object` to `value` when `value` is given.
void SetIfGiven(json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

void AddWriteCommands(CLI::App& group, Runner& runner) {
  auto add = std::make_shared<OpOptions>();
  AddOpCommand(group, "add", "register a resident from a JSON object", add, false)
      ->add_option("record", add->body, "JSON object inline, a file, or - for stdin")
      ->required();
  group.get_subcommand("add")->callback([add, &runner] {
    ApplyOperation(runner, add->node, schema::Operation::CREATE, "",
                   [add](node::Node&, const json*) { return ReadJsonArgument(add->body); });
  });

  auto birth = std::make_shared<OpOptions>();
  AddOpCommand(group, "birth",
               "register a newborn, giving it a citizen number from this node's leased block (works offline)", birth,
               false)
      ->add_option("record", birth->body, "JSON object (with sex and birth_date, without citizen_no), a file, or -")
      ->required();
  group.get_subcommand("birth")->callback([birth, &runner] {
    ApplyOperation(runner, birth->node, schema::Operation::CREATE, "", [birth](node::Node& node, const json*) -> Result<json> {
      auto values = ReadJsonArgument(birth->body);
      if (!values.ok()) return values;
      storage::FieldErrors errors = node::CheckBirthValues(*values);
      if (!errors.empty()) return Status::InvalidArgument(ErrorsText(errors));
      Status issued = node::AssignBirthCitizenNo(node, *values);
      if (!issued.ok()) return issued;
      return values;
    });
  });

  auto update = std::make_shared<OpOptions>();
  AddOpCommand(group, "update", "correct fields of a resident from a JSON object", update, true)
      ->add_option("fields", update->body, "JSON object inline, a file, or - for stdin")
      ->required();
  group.get_subcommand("update")->callback([update, &runner] {
    ApplyOperation(runner, update->node, schema::Operation::UPDATE, update->ref,
                   [update](node::Node&, const json*) { return ReadJsonArgument(update->body); });
  });

  auto death = std::make_shared<OpOptions>();
  AddOpCommand(group, "death", "record a resident's death", death, true)
      ->add_option("--date", death->date, "date of death: YYYY, YYYY-MM or YYYY-MM-DD");
  group.get_subcommand("death")->callback([death, &runner] {
    ApplyOperation(runner, death->node, schema::Operation::RECORD_DEATH, death->ref, [death](node::Node&, const json*) {
      json values = {{"status", "deceased"}};
      SetIfGiven(values, "death_date", death->date);
      return Result<json>(values);
    });
  });

  auto move = std::make_shared<OpOptions>();
  auto* move_cmd = AddOpCommand(group, "move", "move a resident's permanent residence to another unit", move, true);
  move_cmd->add_option("--unit", move->unit, "GSO code of the new commune")->required();
  move_cmd->add_option("--address", move->address, "address line in the new commune");
  move_cmd->callback([move, &runner] {
    ApplyOperation(runner, move->node, schema::Operation::MOVE, move->ref, [move](node::Node&, const json*) {
      json place = {{"unit", move->unit}};
      SetIfGiven(place, "address", move->address);
      return Result<json>(json{{"permanent_residence", place}, {"current_residence", place}});
    });
  });

  auto household = std::make_shared<OpOptions>();
  auto* household_cmd = AddOpCommand(group, "household", "set a resident's household membership", household, true);
  household_cmd->add_option("--id", household->household, "household registration number")->required();
  household_cmd->add_option("--head", household->head, "citizen number of the head of household");
  household_cmd->add_option("--relationship", household->relationship, "head, spouse, child, parent, ...")->required();
  household_cmd->callback([household, &runner] {
    ApplyOperation(runner, household->node, schema::Operation::HOUSEHOLD, household->ref, [household](node::Node&, const json*) {
      json h = {{"id", household->household}, {"relationship", household->relationship}};
      SetIfGiven(h, "head_citizen_no", household->head);
      return Result<json>(json{{"household", h}});
    });
  });

  auto card = std::make_shared<OpOptions>();
  auto* card_cmd = AddOpCommand(group, "card", "record a CCCD application or card status", card, true);
  card_cmd->add_option("--status", card->status, "applied, produced or issued")->required();
  card_cmd->add_option("--application-id", card->application_id, "application id");
  card_cmd->add_option("--applied-on", card->applied_on, "date applied");
  card_cmd->add_option("--card-no", card->card_no, "card number");
  card_cmd->add_option("--issued-on", card->issued_on, "date issued");
  card_cmd->add_option("--expires-on", card->expires_on, "expiry date");
  card_cmd->callback([card, &runner] {
    ApplyOperation(runner, card->node, schema::Operation::CARD_STATUS, card->ref, [card](node::Node&, const json* current) {
      json c = current && current->contains("card") ? (*current)["card"] : json::object();
      c["status"] = card->status;
      SetIfGiven(c, "application_id", card->application_id);
      SetIfGiven(c, "applied_on", card->applied_on);
      SetIfGiven(c, "card_no", card->card_no);
      SetIfGiven(c, "issued_on", card->issued_on);
      SetIfGiven(c, "expires_on", card->expires_on);
      return Result<json>(json{{"card", c}});
    });
  });

  auto merge = std::make_shared<OpOptions>();
  AddOpCommand(group, "merge", "mark a resident as a duplicate of another (a tombstone)", merge, true)
      ->add_option("--into", merge->into, "record id or citizen number of the surviving record")
      ->required();
  group.get_subcommand("merge")->callback([merge, &runner] {
    ApplyOperation(runner, merge->node, schema::Operation::MERGE_DUPLICATE, merge->ref,
                   [merge](node::Node& node, const json*) -> Result<json> {
                     const storage::Store& store = node.store();
                     auto survivor = ResolveRecord(store, merge->into);
                     if (!survivor.ok()) return survivor.status();
                     auto shown = RecordJson(store, *survivor);
                     if (!shown.ok()) return shown.status();
                     if ((*shown)["record"].contains("merged_into")) {
                       return Status::InvalidArgument("the survivor is itself merged into another record");
                     }
                     return json{{"merged_into", *survivor}};
                   });
  });
}

}  // namespace

void AddResidentCommands(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("resident", "show, find, register and change residents");
  group->require_subcommand(1);
  AddShow(*group, runner);
  AddFind(*group, runner);
  AddWriteCommands(*group, runner);
}

}  // namespace dancu::tools
