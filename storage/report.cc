#include "storage/report.h"
#include "storage/record_fold.h"

#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/validation.h"

namespace dancu::storage {

void UnitTally::Add(const UnitTally& other) {
  residents += other.residents;
  clean += other.clean;
  deceased += other.deceased;
  applications += other.applications;
  biometrics += other.biometrics;
}

namespace {
bool FingerDone(schema::Finger::Reader finger) {
  const auto status = finger.getStatus();
  return status == schema::FingerStatus::ENROLLED || status == schema::FingerStatus::MISSING ||
         status == schema::FingerStatus::UNREADABLE;
}
bool BiometricsDone(schema::Biometrics::Reader b) {
  return b.hasPhoto() && FingerDone(b.getRightIndex()) && FingerDone(b.getLeftIndex());
}
}  // namespace

Result<Report> BuildReport(const Store& store, PartialDateValue today) {
  Report report;
  Status failure;
  DANCU_RETURN_IF_ERROR(store.ScanRecords([&](std::string_view id, std::string_view bytes) {
    auto state = Parsed<schema::RecordState>::Parse(bytes, "record " + std::string(id));
    if (!state.ok()) {
      failure = state.status();
      return false;
    }
    auto resident = state->get().getResident();
    if (resident.getMergedInto().size() > 0 || IsFragment(state->get())) return true;
    UnitTally one;
    one.residents = 1;
    one.clean = Validate(resident, today).empty() && CompletenessGaps(resident).empty();
    one.deceased = resident.getStatus() == schema::LifeStatus::DECEASED;
    one.applications = resident.getCard().getStatus() != schema::CardStatus::NONE;
    one.biometrics = !one.deceased && BiometricsDone(resident.getBiometrics());
    report.units[resident.getPermanentResidence().getUnit().cStr()].Add(one);
    report.total.Add(one);
    return true;
  }));
  DANCU_RETURN_IF_ERROR(failure);
  return report;
}

}  // namespace dancu::storage
