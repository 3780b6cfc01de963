#include "storage/record_fold.h"

#include <capnp/dynamic.h>
#include <capnp/message.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "storage/canonical.h"
#include "storage/resident_fields.h"

namespace dancu::storage {

namespace {

struct Stamp {
  uint64_t hlc = 0;
  uint64_t origin = 0;
  uint64_t seq = 0;
  bool sticky = false;
  auto Key() const { return std::tie(sticky, hlc, origin, seq); }
};

bool IsStickyField(uint16_t field) { return field == fields::kStatus || field == fields::kDeathDate; }

// Whether a field holds anything: a non-null pointer (even to empty text), or a non-default value.
bool IsSet(capnp::DynamicStruct::Reader values, capnp::StructSchema::Field field) {
  capnp::Type type = field.getType();
  bool pointer = type.isText() || type.isData() || type.isList() || type.isStruct() ||
                 type.isAnyPointer() || type.isInterface();
  return values.has(field, pointer ? capnp::HasMode::NON_NULL : capnp::HasMode::NON_DEFAULT);
}

}  // namespace

bool ChangeSaw(schema::Change::Reader change, uint64_t origin, uint64_t seq) {
  if (origin == change.getOrigin() && seq <= change.getSeq()) return true;
  for (auto v : change.getBasedOn()) {
    if (v.getOrigin() == origin) return v.getSeq() >= seq;
  }
  return false;
}

Status CheckChangeShape(schema::Change::Reader change) {
  if (change.getOrigin() == 0 || change.getSeq() == 0) {
    return Status::Corruption("change has no origin or sequence number");
  }
  if (change.getRecordId().size() == 0) return Status::Corruption("change names no record");
  auto fields = capnp::Schema::from<schema::Resident>().getFields();
  std::vector<bool> listed(fields.size(), false);
  uint32_t previous = 0;
  for (uint16_t ordinal : change.getFields()) {
    if (ordinal <= previous || ordinal >= fields.size()) {
      return Status::Corruption("change sets field ordinal " + std::to_string(ordinal) +
                                ", not ascending or not a settable field");
    }
    listed[ordinal] = true;
    previous = ordinal;
  }
  // A change carries exactly the values it sets: nothing hides in a field it does not list.
  capnp::DynamicStruct::Reader values = capnp::toDynamic(change.getValues());
  for (unsigned i = 0; i < fields.size(); ++i) {
    if (!listed[i] && IsSet(values, fields[i])) {
      return Status::Corruption("change carries a value for field " +
                                std::string(fields[i].getProto().getName().cStr()) +
                                " that it does not set");
    }
  }
  return Status::Ok();
}

std::string FoldChange(const schema::RecordState::Reader* current, schema::Change::Reader change) {
  std::map<uint16_t, Stamp> stamps;
  std::map<uint64_t, uint64_t> versions;
  std::map<std::tuple<uint64_t, uint64_t, uint64_t>, std::string> homes;
  capnp::MallocMessageBuilder message(kRecordMessageWords);
  auto state = message.initRoot<schema::RecordState>();
  if (current != nullptr) {
    state.setResident(current->getResident());
    for (auto s : current->getStamps()) {
      stamps[s.getField()] = {s.getHlc(), s.getOrigin(), s.getSeq(), s.getSticky()};
    }
    for (auto v : current->getVersions()) versions[v.getOrigin()] = v.getSeq();
    for (auto h : current->getHomes()) homes[{h.getHlc(), h.getOrigin(), h.getSeq()}] = h.getUnit().cStr();
  }
  if (current == nullptr) {
    // A new record is the change's values: CheckChangeShape guarantees they hold nothing else.
    state.setResident(change.getValues());
  }
  auto resident = state.getResident();
  resident.setId(change.getRecordId());
  state.setCreated((current != nullptr && current->getCreated()) || change.getOperation() == schema::Operation::CREATE);

  const bool death_operation = change.getOperation() == schema::Operation::RECORD_DEATH;
  auto fields = capnp::Schema::from<schema::Resident>().getFields();
  capnp::DynamicStruct::Builder target = capnp::toDynamic(resident);
  capnp::DynamicStruct::Reader source = capnp::toDynamic(change.getValues());
  for (uint16_t ordinal : change.getFields()) {
    if (ordinal == fields::kHomeUnit) {
      homes[{change.getHlc(), change.getOrigin(), change.getSeq()}] = change.getValues().getHomeUnit().cStr();
    }
    const Stamp incoming{change.getHlc(), change.getOrigin(), change.getSeq(),
                         death_operation && IsStickyField(ordinal)};
    auto it = stamps.find(ordinal);
    if (it != stamps.end() && it->second.Key() >= incoming.Key()) continue;
    stamps[ordinal] = incoming;
    if (current == nullptr) continue;  // already copied above
    // Empty means absent (storage/record_json.h): an unset value clears the field to null.
    if (source.has(fields[ordinal])) {
      target.set(fields[ordinal], source.get(fields[ordinal]));
    } else {
      target.clear(fields[ordinal]);
    }
  }
  uint64_t& seen = versions[change.getOrigin()];
  seen = std::max(seen, change.getSeq());

  auto stamp_list = state.initStamps(static_cast<unsigned>(stamps.size()));
  unsigned i = 0;
  for (const auto& [field, stamp] : stamps) {
    auto s = stamp_list[i++];
    s.setField(field);
    s.setHlc(stamp.hlc);
    s.setOrigin(stamp.origin);
    s.setSeq(stamp.seq);
    s.setSticky(stamp.sticky);
  }
  auto version_list = state.initVersions(static_cast<unsigned>(versions.size()));
  i = 0;
  for (const auto& [origin, seq] : versions) {
    version_list[i].setOrigin(origin);
    version_list[i++].setSeq(seq);
  }
  auto home_list = state.initHomes(static_cast<unsigned>(homes.size()));
  i = 0;
  for (const auto& [key, unit] : homes) {
    auto h = home_list[i++];
    h.setUnit(unit);
    h.setHlc(std::get<0>(key));
    h.setOrigin(std::get<1>(key));
    h.setSeq(std::get<2>(key));
  }
  return Canonicalize(state.asReader());
}

bool IsFragment(schema::RecordState::Reader state) { return !state.getCreated(); }

std::string HomeSeenBy(schema::RecordState::Reader state, schema::Change::Reader change) {
  std::string seen;
  for (auto h : state.getHomes()) {  // ascending: the last one seen is the latest
    if (ChangeSaw(change, h.getOrigin(), h.getSeq())) seen = h.getUnit().cStr();
  }
  return seen;
}

std::vector<ConcurrentEdit> ConcurrentEdits(schema::RecordState::Reader state, schema::Change::Reader change) {
  std::vector<ConcurrentEdit> edits;
  auto stamps = state.getStamps();
  unsigned s = 0;
  for (uint16_t ordinal : change.getFields()) {
    while (s < stamps.size() && stamps[s].getField() < ordinal) ++s;
    if (s == stamps.size() || stamps[s].getField() != ordinal) continue;
    auto stamp = stamps[s];
    if (ChangeSaw(change, stamp.getOrigin(), stamp.getSeq())) continue;
    edits.push_back({ordinal, {stamp.getOrigin(), stamp.getSeq(), stamp.getHlc()}});
  }
  return edits;
}

}  // namespace dancu::storage
