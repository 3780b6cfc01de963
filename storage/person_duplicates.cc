#include "storage/person_duplicates.h"

#include <set>

#include "storage/person_match.h"
#include "storage/record_fold.h"
#include "storage/resident_fields.h"

namespace dancu::storage {

Result<uint64_t> RaisePersonDuplicates(RecordStage& stage, schema::RecordState::Reader state, VersionRef version,
                                       uint64_t now_ms) {
  auto resident = state.getResident();
  if (IsFragment(state) || resident.getMergedInto().size() > 0) return uint64_t{0};
  const PersonSummary person = SummaryOf(resident);
  std::set<std::string> likely;
  for (const std::string& block : PersonBlockKeys(person)) {
    DANCU_RETURN_IF_ERROR(stage.VisitPersonBlock(block, [&](std::string_view bytes) {
      auto other = DecodeSummary(bytes);
      if (other && LikelySamePerson(person, *other)) likely.insert(other->id);
    }));
  }
  uint64_t raised = 0;
  for (const std::string& other : likely) {
    const std::string id = DuplicateCaseId(person.id, other, schema::ConflictKind::DUPLICATE_PERSON);
    auto held = stage.ConflictHeld(ConflictKey(person.id, id));
    if (!held.ok()) return held.status();
    if (*held) continue;
    for (const auto& [mine, theirs] : {std::pair(person.id, other), std::pair(other, person.id)}) {
      stage.PutConflict(ConflictKey(mine, id), ConflictBytes(id, mine, schema::ConflictKind::DUPLICATE_PERSON, 0,
                                                             version, version, theirs, true, now_ms));
    }
    ++raised;
  }
  return raised;
}

}  // namespace dancu::storage
