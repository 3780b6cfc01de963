#include "storage/unit_tally.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "storage/hlc.h"
#include "storage/partial_date.h"
#include "storage/record_fold.h"
#include "storage/store_layout.h"
#include "storage/validation.h"

namespace dancu::storage {

namespace {
constexpr size_t kCounters = 5;

std::array<int64_t*, kCounters> Counters(UnitTally& t) {
  return {&t.residents, &t.clean, &t.deceased, &t.applications, &t.biometrics};
}

// The day in Vietnam of the record's latest change.
PartialDateValue DayOfLatestChange(schema::RecordState::Reader state) {
  uint64_t latest = 0;
  for (auto stamp : state.getStamps()) latest = std::max(latest, stamp.getHlc());
  return TodayInVietnam(std::chrono::system_clock::time_point(
      std::chrono::milliseconds(HybridClock::Millis(latest))));
}
}  // namespace

void UnitTally::Add(const UnitTally& other, int64_t sign) {
  residents += sign * other.residents;
  clean += sign * other.clean;
  deceased += sign * other.deceased;
  applications += sign * other.applications;
  biometrics += sign * other.biometrics;
}

bool UnitTally::Empty() const { return *this == UnitTally{}; }

std::string UnitTally::Serialize() const {
  UnitTally copy = *this;
  std::string out;
  for (int64_t* counter : Counters(copy)) out += layout::EncodeU64(static_cast<uint64_t>(*counter));
  return out;
}

Result<UnitTally> UnitTally::Deserialize(std::string_view bytes) {
  if (bytes.size() != kCounters * 8) {
    return Status::Corruption("unit tally is " + std::to_string(bytes.size()) + " bytes, not " +
                              std::to_string(kCounters * 8));
  }
  UnitTally t;
  size_t at = 0;
  for (int64_t* counter : Counters(t)) {
    uint64_t value = 0;
    layout::DecodeU64(bytes.substr(at, 8), &value);
    *counter = static_cast<int64_t>(value);
    at += 8;
  }
  return t;
}

std::optional<RecordTally> TallyOf(schema::RecordState::Reader state) {
  auto resident = state.getResident();
  if (resident.getMergedInto().size() > 0 || IsFragment(state)) return std::nullopt;
  RecordTally out;
  out.unit = resident.getPermanentResidence().getUnit().cStr();
  UnitTally& one = out.tally;
  one.residents = 1;
  one.clean = Validate(resident, DayOfLatestChange(state)).empty() && CompletenessGaps(resident).empty();
  one.deceased = resident.getStatus() == schema::LifeStatus::DECEASED;
  one.applications = resident.getCard().getStatus() != schema::CardStatus::NONE;
  one.biometrics = !one.deceased && BiometricsComplete(resident.getBiometrics());
  return out;
}

}  // namespace dancu::storage
