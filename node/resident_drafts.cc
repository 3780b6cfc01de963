#include "node/resident_drafts.h"

#include <capnp/schema.h>

#include <algorithm>
#include <set>

#include "storage/record_json.h"

namespace dancu::node {

namespace {

using Field = uint16_t;
// Resident field ordinals (storage/resident.capnp).
constexpr Field kId = 0, kTemporary = 16, kCurrent = 17, kPermanent = 15, kHousehold = 18,
                kStatus = 23, kDeathDate = 24, kCard = 25, kHomeUnit = 26, kMergedInto = 27,
                kBiometrics = 28, kCardReview = 29, kDistinctFrom = 30;

std::set<Field> AllowedFields(schema::Operation operation) {
  std::set<Field> all;
  for (Field f = 1; f <= kMergedInto; ++f) all.insert(f);
  switch (operation) {
    case schema::Operation::CREATE:
      all.erase(kMergedInto);
      return all;
    case schema::Operation::UPDATE:
      for (Field f : {kHomeUnit, kMergedInto, kStatus, kDeathDate, kHousehold, kCard, kPermanent,
                      kTemporary, kCurrent}) {
        all.erase(f);
      }
      return all;
    case schema::Operation::RECORD_DEATH: return {kStatus, kDeathDate};
    case schema::Operation::MOVE: return {kPermanent, kTemporary, kCurrent, kHomeUnit};
    case schema::Operation::HOUSEHOLD: return {kHousehold};
    case schema::Operation::CARD_STATUS: return {kCard};
    case schema::Operation::MERGE_DUPLICATE: return {kMergedInto};
    case schema::Operation::MARK_DISTINCT: return {kDistinctFrom};
    case schema::Operation::ENROLL_FINGER:
    case schema::Operation::FINGER_EXCEPTION:
    case schema::Operation::ENROLL_PHOTO: return {kBiometrics};
    case schema::Operation::CARD_REVIEW: return {kCardReview};
  }
  return {};
}

std::string FieldName(Field ordinal) {
  auto fields = capnp::Schema::from<schema::Resident>().getFields();
  return storage::JsonKeyOf(fields[ordinal].getProto().getName());
}

}  // namespace

std::string OperationName(schema::Operation operation) {
  auto enumerants = capnp::Schema::from<schema::Operation>().getEnumerants();
  return enumerants[static_cast<unsigned>(operation)].getProto().getName();
}

DraftOrErrors MakeDraft(schema::Operation operation, const std::string& record_id,
                        const nlohmann::json& values, const std::string& officer, schema::OfficerRole role) {
  DraftOrErrors out;
  storage::Draft& draft = out.draft;
  draft.operation = operation;
  draft.record_id = record_id;
  draft.officer = officer;
  draft.officer_role = role;
  auto resident = draft.Values();
  out.errors = storage::ResidentFromJson(values, resident, &draft.fields);
  if (!out.errors.empty()) return out;

  const std::set<Field> allowed = AllowedFields(operation);
  for (Field f : draft.fields) {
    if (f == kId) {
      out.errors.push_back({"id", "is assigned by the node"});
    } else if (!allowed.count(f)) {
      out.errors.push_back({FieldName(f), "cannot be set by " + OperationName(operation)});
    }
  }
  if (draft.fields.empty()) out.errors.push_back({"", "sets no field"});
  // The node that stores a record has authority over it: its home follows the permanent residence.
  bool sets_permanent = std::count(draft.fields.begin(), draft.fields.end(), kPermanent) > 0;
  bool sets_home = std::count(draft.fields.begin(), draft.fields.end(), kHomeUnit) > 0;
  if (sets_permanent && !sets_home && allowed.count(kHomeUnit)) {
    resident.setHomeUnit(resident.getPermanentResidence().getUnit());
    draft.fields.push_back(kHomeUnit);
    std::sort(draft.fields.begin(), draft.fields.end());
  }
  return out;
}

}  // namespace dancu::node
