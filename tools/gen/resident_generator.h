// Realistic, deterministic test residents of one commune, as JSON Lines for `dancu import`.
//
// Each line is one resident in the JSON form of storage/record_json.h, without id or home_unit.
// Residents come in households of 1-7 people (head first) sharing a household id and an address in
// a hamlet of the commune: spouses, children with their father's family name, sometimes the head's
// parents or a married son's family. Names, ages, ethnic groups, birth registrations, citizen
// numbers, deaths, partial birth dates and card applications follow Vietnamese patterns; the model
// is described in tools/gen/family.h and tools/gen/papers.h, its sources in tools/gen/README.md.
//
// A clean line passes storage::ParseJsonLine, ResidentFromJson and Validate (with options.today).
// A share of lines is deliberately invalid, each with one defect (see Defect) that those functions
// reject. Citizen numbers are unique within a run; lines with a citizen-number defect carry a
// number no clean line uses.
//
// Deterministic: the same options give the same bytes, on every platform.
// Thread-safety: WriteResidents keeps all its state local and reads only immutable reference data;
// concurrent calls are safe given distinct streams. Errors: returned as Status; nothing throws
// (a stream set to throw on failure may).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "storage/partial_date.h"
#include "storage/status.h"

namespace dancu::tools {

// The most residents one call writes: keeps citizen-number serials unique (a commune holds on the
// order of 10,000 residents).
inline constexpr uint64_t kMaxGeneratedResidents = 1'000'000;

struct GeneratorOptions {
  std::string unit;           // GSO code of a commune of 2023 or 2025 (see tools/gen/geography.h)
  uint64_t count = 0;         // lines to write, at most kMaxGeneratedResidents
  uint64_t seed = 0;
  double invalid_share = 0;   // 0..1: round(count * invalid_share) lines get a defect
  // 0..1: about round(count * duplicate_share) lines are a clean resident of an earlier line
  // registered a second time (tools/gen/duplicates.h), counted in `count`.
  double duplicate_share = 0;
  storage::PartialDateValue today;  // complete, 2000-2399; no date of a clean line is later
};

// The one defect of a deliberately invalid line.
enum class Defect : uint8_t {
  kNone,                 // a clean line
  kBadCitizenProvince,   // citizen_no starts with a code that is none of the 63 provinces'
  kSexDigitMismatch,     // citizen_no's century/sex digit says the other sex
  kBirthYearMismatch,    // citizen_no's year digits are not those of the birth year
  kUnknownUnit,          // permanent_residence.unit is a code no unit has
  kBirthInFuture,        // birth_date after today
  kDeathBeforeBirth,     // deceased, with a death_date before birth_date
  kMalformedDate,        // birth_date written "07/03/1985" or "1945-00-00"
  kWrongJsonType,        // citizen_no as a number, ethnicity as a name or birth_date as a number
  kMissingFullName,      // no full_name
  kNotJson,              // a line cut short, or a CSV row
};
inline constexpr unsigned kDefectKinds = 10;  // the defects after kNone

// "bad citizen province", "none", ...
std::string_view DefectName(Defect defect);

// Writes `options.count` JSON Lines of residents of the commune `options.unit` to `out`. When
// `defects` is not null, appends to it the defect of each line written, in order (kNone for a
// clean line). When `duplicate_of` is not null, appends to it for each line the index (from 0) of
// the earlier line whose resident it registers again, or -1.
// Errors: InvalidArgument when `unit` is not a commune in the 2023 or 2025 reference data,
// invalid_share or duplicate_share is outside [0, 1] or their sum above 1, count exceeds
// kMaxGeneratedResidents or today is not a complete date in 2000-2399; IOError when `out` fails
// (lines before the failure may have been written).
Status WriteResidents(const GeneratorOptions& options, std::ostream& out,
                      std::vector<Defect>* defects = nullptr, std::vector<int64_t>* duplicate_of = nullptr);

}  // namespace dancu::tools
