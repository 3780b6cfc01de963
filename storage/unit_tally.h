// The campaign's figures for one unit, kept as counters beside the records.
//
// Each record that is a resident here (not a merged tombstone, not a fragment: record_fold.h)
// counts once under its permanent residence unit ("" when it has none):
//   residents     1
//   clean         it passes every validation rule and has no completeness gap
//                 (storage/validation.h), judged as of the day of its latest change
//   deceased      its life status is deceased
//   applications  its CCCD application has any status beyond "none"
//   biometrics    it is living and its biometrics are complete (BiometricsComplete)
//
// TallyOf is a function of the record's state alone (no clock), so a record's contribution can be
// taken back exactly when the record changes; the store keeps one counter row per unit in the
// batch of every change (RecordStage) and a recount over the records gives the same figures.
// "As of its latest change" only differs from "as of today" for a date that was after the day it
// was written, which Append refuses; a replica can still bring one.
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "storage/change.capnp.h"
#include "storage/status.h"

namespace dancu::storage {

struct UnitTally {
  int64_t residents = 0;
  int64_t clean = 0;
  int64_t deceased = 0;
  int64_t applications = 0;
  int64_t biometrics = 0;

  void Add(const UnitTally& other, int64_t sign = 1);
  bool Empty() const;
  bool operator==(const UnitTally&) const = default;

  std::string Serialize() const;  // five 8-byte big-endian two's-complement counters
  static Result<UnitTally> Deserialize(std::string_view bytes);
};

using UnitTallies = std::map<std::string, UnitTally, std::less<>>;  // by unit code

struct RecordTally {
  std::string unit;
  UnitTally tally;
};

// What the record counts for, or nullopt when it is no resident here (tombstone, fragment).
std::optional<RecordTally> TallyOf(schema::RecordState::Reader state);

}  // namespace dancu::storage
