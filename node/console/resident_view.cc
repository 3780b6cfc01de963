#include "node/console/resident_view.h"

#include <capnp/schema.h>

#include <chrono>
#include <ctime>

#include "node/enrollment_rules.h"
#include "node/node_config.h"
#include "node/resident_drafts.h"
#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/hlc.h"
#include "storage/record_json.h"
#include "storage/search.h"
#include "storage/units.h"

namespace dancu::console {

namespace {

using nlohmann::json;

constexpr size_t kMaxHouseholdShown = 64;

json ErrorsJson(const storage::FieldErrors& errors) {
  json out = json::array();
  for (const auto& e : errors) out.push_back({{"field", e.field}, {"reason", e.reason}});
  return out;
}

Result<storage::Parsed<schema::RecordState>> LoadState(const storage::Store& store,
                                                       const std::string& id) {
  auto bytes = store.GetRecord(id);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return Status::NotFound("no resident " + id);
  return storage::Parsed<schema::RecordState>::Parse(**bytes, "record " + id);
}

// What a CCCD application on this record would be refused for now: the node's own rules
// (node/enrollment_rules.h), asked about the record with its card put to `applied`.
storage::FieldErrors ApplicationGaps(schema::Resident::Reader resident) {
  capnp::MallocMessageBuilder before_message, after_message;
  before_message.setRoot(resident);
  after_message.setRoot(resident);
  auto before = before_message.getRoot<schema::Resident>();
  before.getCard().setStatus(schema::CardStatus::NONE);
  auto after = after_message.getRoot<schema::Resident>();
  after.getCard().setStatus(schema::CardStatus::APPLIED);
  const schema::Resident::Reader before_reader = before.asReader();
  storage::FieldErrors gaps = node::EnrollmentRules()(&before_reader, after.asReader());
  const auto today = storage::TodayInVietnam(std::chrono::system_clock::now());
  for (auto& e : storage::Validate(resident, today)) gaps.push_back(std::move(e));
  return gaps;
}

std::string IsoTime(uint64_t millis) {
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string FieldKey(uint16_t ordinal) {
  for (auto field : capnp::Schema::from<schema::Resident>().getFields()) {
    const auto proto = field.getProto();
    if (proto.getOrdinal().isExplicit() && proto.getOrdinal().getExplicit() == ordinal) {
      return storage::JsonKeyOf(proto.getName());
    }
  }
  return "#" + std::to_string(ordinal);
}

}  // namespace

std::string UnitName(const std::string& code) {
  const auto& units = storage::UnitRegistry::Get();
  for (auto era : {storage::Era::k2025, storage::Era::k2023}) {
    if (const auto* u = units.Find(code, era)) return std::string(u->name);
  }
  return "";
}

Result<std::string> ResolveResident(const storage::Store& store, const std::string& ref) {
  const bool citizen_no =
      ref.size() == 12 && ref.find_first_not_of("0123456789") == std::string::npos;
  if (!citizen_no) return ref;
  auto id = store.FindCitizenNo(ref);
  if (!id.ok()) return id.status();
  if (!id->has_value()) return Status::NotFound("no resident with that citizen number");
  return **id;
}

Result<json> ResidentJson(const storage::Store& store, const std::string& record_id) {
  auto state = LoadState(store, record_id);
  if (!state.ok()) return state.status();
  return storage::ResidentToJson(state->get().getResident());
}

Result<json> ResidentSummary(const storage::Store& store, const std::string& record_id) {
  auto record = ResidentJson(store, record_id);
  if (!record.ok()) return record.status();
  const json& r = *record;
  const std::string unit =
      r.contains("permanent_residence") ? r["permanent_residence"].value("unit", "") : "";
  return json{{"id", record_id},
              {"citizen_no", r.value("citizen_no", "")},
              {"full_name", r.value("full_name", "")},
              {"birth_date", r.value("birth_date", "")},
              {"sex", r.value("sex", "")},
              {"status", r.value("status", "alive")},
              {"merged_into", r.value("merged_into", "")},
              {"relationship", r.contains("household") ? r["household"].value("relationship", "") : ""},
              {"unit", unit},
              {"unit_name", UnitName(unit)}};
}

Result<json> ResidentView(const node::Node& node, const std::string& record_id) {
  const storage::Store& store = node.store();
  auto state = LoadState(store, record_id);
  if (!state.ok()) return state.status();
  const schema::Resident::Reader resident = state->get().getResident();
  const auto today = storage::TodayInVietnam(std::chrono::system_clock::now());
  const storage::FieldErrors errors = storage::Validate(resident, today);
  const std::vector<std::string> gaps = storage::CompletenessGaps(resident);
  json record = storage::ResidentToJson(resident);
  const std::string unit =
      record.contains("permanent_residence") ? record["permanent_residence"].value("unit", "") : "";

  json household = json::array();
  if (resident.getHousehold().getId().size() > 0) {
    auto members = storage::ListHousehold(store, resident.getHousehold().getId().cStr(),
                                          kMaxHouseholdShown);
    if (!members.ok()) return members.status();
    for (const std::string& id : *members) {
      auto member = ResidentSummary(store, id);
      if (!member.ok()) return member.status();
      household.push_back(std::move(member.value()));
    }
  }

  json unit_names = json::object();
  for (const char* key : {"hometown", "birth_place", "birth_registration_place",
                          "permanent_residence", "temporary_residence", "current_residence"}) {
    if (!record.contains(key)) continue;
    const std::string code = record[key].value("unit", "");
    if (!code.empty()) unit_names[code] = UnitName(code);
  }

  const storage::FieldErrors missing = ApplicationGaps(resident);
  json card_status = record.contains("card") ? record["card"].value("status", "none") : "none";
  return json{{"id", record_id},
              {"record", record},
              {"clean", errors.empty() && gaps.empty()},
              {"errors", ErrorsJson(errors)},
              {"gaps", gaps},
              {"unit_name", UnitName(unit)},
              {"unit_names", unit_names},
              {"household", household},
              {"application",
               {{"status", card_status}, {"ready", missing.empty()}, {"missing", ErrorsJson(missing)}}}};
}

Result<json> ResidentHistory(const storage::Store& store, const std::string& record_id) {
  json out = json::array();
  Status failure;
  Status scanned = store.ScanLog([&](uint64_t origin, uint64_t seq, std::string_view bytes) {
    auto entry = storage::Parsed<schema::LogEntry>::Parse(bytes, "log entry");
    if (!entry.ok()) {
      failure = entry.status();
      return false;
    }
    const schema::Change::Reader change = entry->get().getChange();
    if (change.getRecordId() != record_id.c_str()) return true;
    json fields = json::array();
    for (uint16_t ordinal : change.getFields()) fields.push_back(FieldKey(ordinal));
    out.push_back({{"origin", node::NodeIdHex(origin)},
                   {"seq", seq},
                   {"time", IsoTime(storage::HybridClock::Millis(change.getHlc()))},
                   {"hlc", change.getHlc()},
                   {"officer", change.getOfficer().cStr()},
                   {"operation", node::OperationName(change.getOperation())},
                   {"fields", fields},
                   {"values", storage::ResidentToJson(change.getValues())}});
    return true;
  });
  if (!failure.ok()) return failure;
  if (!scanned.ok()) return scanned;
  std::sort(out.begin(), out.end(),
            [](const json& a, const json& b) { return a["hlc"].get<uint64_t>() < b["hlc"].get<uint64_t>(); });
  return out;
}

}  // namespace dancu::console
