#include "node/conflicts.h"

#include <capnp/dynamic.h>

#include <optional>
#include <set>

#include "node/card_case.h"
#include "node/node_config.h"
#include "storage/canonical.h"
#include "storage/conflict_key.h"
#include "storage/ingest.capnp.h"
#include "storage/record_json.h"
#include "storage/resident_fields.h"

namespace dancu::node {

namespace {

using nlohmann::json;

capnp::StructSchema::Field ResidentField(uint16_t ordinal) {
  return capnp::Schema::from<schema::Resident>().getFields()[ordinal];
}

bool KnownField(uint16_t ordinal) { return ordinal < capnp::Schema::from<schema::Resident>().getFields().size(); }

std::string FieldKey(uint16_t ordinal) {
  return KnownField(ordinal) ? storage::JsonKeyOf(ResidentField(ordinal).getProto().getName()) : std::to_string(ordinal);
}

std::string VersionText(schema::Version::Reader v) { return NodeIdHex(v.getOrigin()) + "/" + std::to_string(v.getSeq()); }

// The log entry of change (origin, seq).
Result<storage::Parsed<schema::LogEntry>> ReadChange(const storage::Store& store, schema::Version::Reader v) {
  std::optional<std::string> entry;
  DANCU_RETURN_IF_ERROR(store.ScanLogFrom(v.getOrigin(), v.getSeq(), [&](uint64_t, uint64_t seq, std::string_view bytes) {
    if (seq == v.getSeq()) entry = std::string(bytes);
    return false;
  }));
  if (!entry) return Status::NotFound("the log lacks the change " + VersionText(v));
  return storage::Parsed<schema::LogEntry>::Parse(*entry, "log entry");
}

// Change `v` described in `out` ({version, officer, hlc}, or {version, unavailable} when the log
// lacks it); the change, when held.
std::optional<storage::Parsed<schema::LogEntry>> DescribeChange(const storage::Store& store, schema::Version::Reader v,
                                                                json& out) {
  out["version"] = VersionText(v);
  auto entry = ReadChange(store, v);
  if (!entry.ok()) {
    out["unavailable"] = entry.status().message();
    return std::nullopt;
  }
  out["officer"] = entry->get().getChange().getOfficer().cStr();
  out["hlc"] = entry->get().getChange().getHlc();
  return std::move(entry.value());
}

// One side of a concurrent edit: the change and the value it gave the field.
json SideJson(const storage::Store& store, schema::Version::Reader v, uint16_t field) {
  json side = {{"origin", NodeIdHex(v.getOrigin())}, {"seq", v.getSeq()}};
  auto entry = DescribeChange(store, v, side);
  if (!entry) return side;
  auto change = entry->get().getChange();
  json values = storage::ResidentToJson(change.getValues());
  const std::string key = FieldKey(field);
  side["value"] = values.contains(key) ? values[key] : json(nullptr);
  return side;
}

// A card case: who opened it, when, and the differences the card read found.
json CardCaseJson(const storage::Store& store, schema::Version::Reader opening) {
  json out;
  auto entry = DescribeChange(store, opening, out);
  if (!entry) return out;
  out["differences"] = json::array();
  for (auto d : entry->get().getChange().getValues().getCardReview().getDifferences()) {
    out["differences"].push_back({{"field", d.getField().cStr()}, {"card", d.getCard().cStr()},
                                  {"record", d.getRecord().cStr()}});
  }
  return out;
}

std::string KindName(schema::ConflictKind kind) {
  switch (kind) {
    case schema::ConflictKind::CONCURRENT_EDIT: return "concurrent_edit";
    case schema::ConflictKind::DUPLICATE_CITIZEN_NO: return "duplicate_citizen_no";
    case schema::ConflictKind::CARD_DIFFERS: return "card_differs";
    case schema::ConflictKind::DUPLICATE_PERSON: return "duplicate_person";
  }
  return "unknown";
}

json ConflictJson(const storage::Store& store, schema::Conflict::Reader c) {
  const bool edit = c.getKind() == schema::ConflictKind::CONCURRENT_EDIT;
  json out = {{"id", c.getId().cStr()},
              {"record", c.getRecordId().cStr()},
              {"kind", KindName(c.getKind())},
              {"review", c.getReview()},
              {"detected_at_ms", c.getDetectedAt()},
              {"open", c.getResolvedBy().getOrigin() == 0}};
  if (edit) {
    out["field"] = FieldKey(c.getField());
    out["kept"] = VersionText(c.getKept());
    out["other"] = VersionText(c.getOther());
    out["sides"] = {{"kept", SideJson(store, c.getKept(), c.getField())},
                    {"other", SideJson(store, c.getOther(), c.getField())}};
  } else if (c.getKind() == schema::ConflictKind::CARD_DIFFERS) {
    out["card"] = CardCaseJson(store, c.getKept());
  } else {
    out["other_record"] = c.getOtherRecordId().cStr();
  }
  if (c.getResolvedBy().getOrigin() != 0) out["resolved_by"] = VersionText(c.getResolvedBy());
  return out;
}

// The conflict with id `id`, searched over the whole family (a node holds few).
Result<storage::Parsed<schema::Conflict>> FindConflict(const storage::Store& store, const std::string& id) {
  std::optional<std::string> found;
  DANCU_RETURN_IF_ERROR(store.ScanConflicts("", [&](std::string_view key, std::string_view bytes) {
    // The key is record id \0 conflict id (storage/conflict_key.h).
    if (!id.empty() && key.size() > id.size() && key[key.size() - id.size() - 1] == '\0' &&
        key.substr(key.size() - id.size()) == id) {
      found = std::string(bytes);
    }
    return !found;
  }));
  if (!found) return Status::NotFound("no conflict " + id + " on this node");
  return storage::Parsed<schema::Conflict>::Parse(*found, "conflict " + id);
}

// The operation under which a field may be set (node/resident_drafts.h).
schema::Operation OperationFor(uint16_t field) {
  namespace f = storage::fields;
  switch (field) {
    case f::kStatus: case f::kDeathDate: return schema::Operation::RECORD_DEATH;
    case f::kPermanentResidence: case f::kHomeUnit: return schema::Operation::MOVE;
    case f::kHousehold: return schema::Operation::HOUSEHOLD;
    default: return schema::Operation::UPDATE;
  }
}

// A draft setting `field` of `record` to the value change `chosen` gave it.
Result<storage::Draft> SetAgainDraft(const storage::Store& store, const std::string& record, uint16_t field,
                                     schema::Version::Reader chosen) {
  if (!KnownField(field)) return Status::InvalidArgument("the conflict names an unknown field " + std::to_string(field));
  auto entry = ReadChange(store, chosen);
  if (!entry.ok()) return entry.status();
  storage::Draft draft;
  draft.record_id = record;
  draft.operation = OperationFor(field);
  draft.fields = {field};
  auto schema_field = ResidentField(field);
  capnp::DynamicStruct::Reader source = capnp::toDynamic(entry->get().getChange().getValues());
  if (source.has(schema_field)) capnp::toDynamic(draft.Values()).set(schema_field, source.get(schema_field));
  return draft;
}

}  // namespace

Result<json> ListConflicts(const storage::Store& store, bool all, const std::string& record) {
  json list = json::array();
  const std::string prefix = record.empty() ? "" : storage::ConflictPrefix(record);
  std::set<std::string> seen;  // a duplicate case is kept under both records: list it once
  DANCU_RETURN_IF_ERROR(store.ScanConflicts(prefix, [&](std::string_view, std::string_view bytes) {
    auto c = storage::Parsed<schema::Conflict>::Parse(bytes, "conflict");
    if (!c.ok()) return true;
    const bool open = c->get().getResolvedBy().getOrigin() == 0;
    if (!all && !(open && c->get().getReview())) return true;
    if (seen.insert(c->get().getId().cStr()).second) list.push_back(ConflictJson(store, c->get()));
    return true;
  }));
  return list;
}

namespace {
// Record `a` marked as another person than `b`: its distinct_from with b added.
Result<storage::Draft> DistinctDraft(const storage::Store& store, const std::string& a, const std::string& b) {
  auto bytes = store.GetRecord(a);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return Status::NotFound("no record " + a + " on this node");
  auto state = storage::Parsed<schema::RecordState>::Parse(**bytes, "record " + a);
  if (!state.ok()) return state.status();
  auto held = state->get().getResident().getDistinctFrom();
  storage::Draft draft;
  draft.record_id = a;
  draft.operation = schema::Operation::MARK_DISTINCT;
  draft.fields = {storage::fields::kDistinctFrom};
  auto list = draft.Values().initDistinctFrom(held.size() + 1);
  for (unsigned i = 0; i < held.size(); ++i) list.set(i, held[i]);
  list.set(held.size(), b);
  return draft;
}

// The decision itself, whoever makes it.
Result<storage::Draft> DecisionDraft(const storage::Store& store, const std::string& id, const std::string& keep) {
  auto conflict = FindConflict(store, id);
  if (!conflict.ok()) return conflict.status();
  auto c = conflict->get();
  if (c.getResolvedBy().getOrigin() != 0) return Status::FailedPrecondition("conflict " + id + " is resolved already");
  if (c.getKind() == schema::ConflictKind::CONCURRENT_EDIT) {
    if (keep != "kept" && keep != "other") return Status::InvalidArgument("keep must be kept or other for a concurrent edit");
    return SetAgainDraft(store, c.getRecordId().cStr(), c.getField(), keep == "kept" ? c.getKept() : c.getOther());
  }
  if (c.getKind() == schema::ConflictKind::CARD_DIFFERS) {
    if (keep != "closed") return Status::InvalidArgument("keep must be closed for a card case");
    return CloseCardCaseDraft(c.getRecordId().cStr());
  }
  const std::string a = c.getRecordId().cStr(), b = c.getOtherRecordId().cStr();
  if (c.getKind() == schema::ConflictKind::DUPLICATE_PERSON && keep == kDistinct) return DistinctDraft(store, a, b);
  if (keep != a && keep != b) {
    return Status::InvalidArgument("keep must name " + a + " or " + b +
                                   (c.getKind() == schema::ConflictKind::DUPLICATE_PERSON ? ", or be distinct" : ""));
  }
  storage::Draft merge;
  merge.record_id = keep == a ? b : a;
  merge.operation = schema::Operation::MERGE_DUPLICATE;
  merge.fields = {storage::fields::kMergedInto};
  merge.Values().setMergedInto(keep);
  return merge;
}

}  // namespace

Result<storage::Draft> ResolvingDraft(const storage::Store& store, const std::string& id, const std::string& keep,
                                      const Officer& officer, bool hub) {
  DANCU_RETURN_IF_ERROR(CheckMayDecide(officer, hub));
  auto draft = DecisionDraft(store, id, keep);
  if (!draft.ok()) return draft.status();
  draft->officer = officer.name;
  draft->officer_role = officer.role;
  return draft;
}

}  // namespace dancu::node
