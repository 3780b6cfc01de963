// Validation of a resident record, field by field, and what keeps a valid record from being clean.
//
// Every rule reports a FieldError naming the field by its JSON key path (storage/record_json.h):
// "birth_date", "permanent_residence.unit", "card.expires_on", "other_names[2]". Reasons are
// English sentence fragments meant to follow the field name ("birth_date: 2031 is after today
// (2025-06-15)"). They name the offending value (a unit code, a date, a character) but never
// repeat a whole name, citizen number or address.
//
// The rules (Validate):
//   required      full_name, birth_date (at least the year), sex, permanent_residence.unit
//   text          every text field is valid UTF-8, in Unicode NFC, free of control characters and
//                 within its length limit in code points (kMax*Chars below)
//   names         full_name, other_names[i], father/mother/spouse/representative.name: letters
//                 (with their combining marks), spaces, hyphens and apostrophes only, at least one
//                 letter, no leading or trailing space
//   identifiers   id, merged_into, household.id, card.application_id: printable ASCII, no spaces
//   citizen no.   citizen_no: CheckCitizenNumber against the record's sex and birth date;
//                 household.head_citizen_no, father/mother/spouse/representative.citizen_no:
//                 structure and province (and the sex digit: a father is male, a mother female)
//   old_id_no     9 digits
//   units         every Place's unit and home_unit exist in the reference data (either era)
//   enums         every enum holds a value the schema knows
//   ethnicity     0 (unknown) or 1..54
//   nationality   empty or two uppercase ASCII letters (ISO 3166-1 alpha-2)
//   dates         valid calendar dates, none before 1880, none after `today` except
//                 card.expires_on; death_date not before birth_date
//   death         death_date only when status is deceased (a deceased record may lack the date:
//                 that is a completeness gap, not an error)
//   card          card_no, when present, is the 12-digit citizen number (equal to citizen_no when
//                 both are present); status issued needs card_no and issued_on; issued_on not
//                 before applied_on; expires_on after issued_on
//   household     a relationship needs a household id; when the resident is the head,
//                 head_citizen_no (when present) is the resident's own citizen_no
//   merged_into   not the record's own id
// home_unit is not required: the node that stores the record sets it.
//
// A record is clean (sạch) when Validate returns no error and CompletenessGaps no gap.
//
// Thread-safety: pure functions over their arguments (plus the immutable UnitRegistry and ICU's
// immutable normalization data); safe to call concurrently. Nothing throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/partial_date.h"
#include "storage/resident.capnp.h"

namespace dancu::storage {

struct FieldError {
  std::string field;   // JSON key path; "" for the record as a whole
  std::string reason;  // English sentence fragment

  friend bool operator==(const FieldError&, const FieldError&) = default;
};
using FieldErrors = std::vector<FieldError>;

// Length limits, in Unicode code points.
inline constexpr size_t kMaxNameChars = 100;     // full_name, other names, names of relatives
inline constexpr size_t kMaxAddressChars = 200;  // Place.address
inline constexpr size_t kMaxTextChars = 64;      // religion and other short text
inline constexpr size_t kMaxIdChars = 64;        // identifiers
inline constexpr size_t kMaxOtherNames = 16;     // entries of other_names
inline constexpr size_t kMaxCardDifferences = 32;   // entries of card_review.differences
inline constexpr size_t kMaxCardValueChars = 400;   // card_review: a value on the card or in the record
inline constexpr size_t kMaxDistinctFrom = 64;   // entries of distinct_from
inline constexpr int kEarliestYear = 1880;       // no date of a record lies before this year

// All the errors of `r`, in schema field order; empty when `r` is valid. `today` is the current
// date in Vietnam (TodayInVietnam) and must be complete.
FieldErrors Validate(schema::Resident::Reader r, PartialDateValue today);

// What keeps `r` from being clean, as sentence fragments ("no citizen number yet", "birth date only
// partial", "no hometown", "ethnicity unknown", "no household", "nationality unknown",
// "death date unknown"); empty when nothing does. Meaningful for a record Validate accepts.
std::vector<std::string> CompletenessGaps(schema::Resident::Reader r);

// The enrollment a CCCD application needs, in one place: a finger is settled when enrolled or
// recorded as missing or unreadable (not when none or under review in a duplicate case); the
// biometrics are complete with a photo and both index fingers settled.
bool FingerSettled(schema::FingerStatus status);
bool BiometricsComplete(schema::Biometrics::Reader b);

// Text helpers shared with storage/record_json.h.
// The byte offset of the first ill-formed UTF-8 sequence in `text`, or nullopt when it is valid.
std::optional<size_t> FindInvalidUtf8(std::string_view text);
// `text` (valid UTF-8) in Unicode NFC.
std::string ToNfc(std::string_view text);

}  // namespace dancu::storage
