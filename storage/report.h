// The campaign's figures, per unit: residents, clean records, deceased, CCCD applications,
// biometrics (what each counts: storage/unit_tally.h).
//
// BuildReport reads the store's per-unit counters: its cost grows with the number of units, not
// of records (milliseconds for the nation's ~10,600 communes). RecountReport counts the same
// figures from every record (one pass over the records), to check them.
//
// Reads only; thread-safe. Errors: the store's (IOError, Corruption).
#pragma once

#include <map>
#include <string>

#include "storage/status.h"
#include "storage/store.h"
#include "storage/unit_tally.h"

namespace dancu::storage {

struct Report {
  UnitTallies units;  // by permanent residence unit code ("" for records without one)
  UnitTally total;
  bool operator==(const Report&) const = default;
};

Result<Report> BuildReport(const Store& store);
Result<Report> RecountReport(const Store& store);

}  // namespace dancu::storage
