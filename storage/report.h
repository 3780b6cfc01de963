// The campaign's figures, per unit: residents, clean records, deceased, CCCD applications,
// biometrics.
//
// Residents are the records that are not merged tombstones, counted under their permanent
// residence unit (records without one under ""). A record is clean ("sạch") when it passes every
// validation rule and has no completeness gap (storage/validation.h). Applications are records
// whose CCCD application has any status beyond "none". Biometrics counts the living residents whose
// enrollment a CCCD application needs is done: a photo, and both index fingers enrolled or recorded
// as missing or unreadable (node/enrollment_rules.h).
//
// Reads only; thread-safe. Cost: one pass over the records.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "storage/partial_date.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::storage {

struct UnitTally {
  uint64_t residents = 0;
  uint64_t clean = 0;
  uint64_t deceased = 0;
  uint64_t applications = 0;
  uint64_t biometrics = 0;

  void Add(const UnitTally& other);
};

struct Report {
  std::map<std::string, UnitTally> units;  // by permanent residence unit code
  UnitTally total;
};

Result<Report> BuildReport(const Store& store, PartialDateValue today);

}  // namespace dancu::storage
