// What the search for demographic duplicates compares of a resident (storage/person_match.h),
// folded once and kept as the value of the record's duplicate-blocking index entries
// (storage/record_index.h IndexKind::kPersonBlock), so that comparing a record with the records
// of its blocks reads index entries only, never the records.
//
// Pure functions over values; thread-safe. Decode returns nullopt for bytes that are not an
// encoded summary (an index value written by a later format), never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/partial_date.h"
#include "storage/resident.capnp.h"

namespace dancu::storage {

struct PersonSummary {
  std::string id;                 // the record id
  std::string name;               // full name folded (storage/name_fold.h): "nguyen van an"
  PartialDateValue birth;
  uint8_t sex = 0;                // schema::Sex
  uint8_t ethnicity = 0;          // 0 unknown
  std::string citizen_no;         // "" when none
  std::string father, mother;     // names folded, "" when not recorded
  std::string hometown;           // unit code, "" when not recorded
  std::string birth_registration;  // unit code, "" when not recorded
  std::vector<std::string> distinct_from;  // records judged other people (Resident.distinctFrom)
  bool operator==(const PersonSummary&) const = default;
};

PersonSummary SummaryOf(schema::Resident::Reader resident);

// Compact bytes, one field after another; names, codes and ids hold no control characters
// (storage/validation.h), so the unit and record separators delimit them.
std::string EncodeSummary(const PersonSummary& summary);
std::optional<PersonSummary> DecodeSummary(std::string_view bytes);

}  // namespace dancu::storage
