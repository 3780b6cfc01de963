// The JSON form of a Resident: the form of the HTTP API, of `dancu import` lines and of fixtures.
//
// Keys are the snake_case of the capnp field names (citizenNo -> "citizen_no"), nested for the
// structs (Place, PersonRef, Household, CardApplication): {"permanent_residence": {"unit":
// "00004", "address": "..."}}. Values:
//   Text              string (NFC)
//   List(Text)        array of strings (other_names)
//   List(struct)      array of objects (card_review.differences)
//   Bool              true or false (card_review.open; false is absent)
//   UInt8             integer (ethnicity: the GSO code, 0 unknown)
//   enum              the enumerant name: "male", "deceased", "married", "head", "issued", ...;
//                     blood_type in upper case: "A", "B", "AB", "O" (and "unknown")
//   PartialDate       "YYYY", "YYYY-MM" or "YYYY-MM-DD"
//   Data              a string of lowercase hex digits ("9f3a...")
// The schema is read by reflection, so a field appended to resident.capnp gets its JSON form
// without a change here.
//
// Empty means absent: the empty string, the empty list, 0, an enum's first value, the unknown
// date and a struct with nothing set are written as no key at all, and are stored as null pointers
// or zeros. Equal JSON therefore gives equal canonical bytes, and Resident -> JSON -> Resident
// gives back the same canonical bytes for any record built the same way (text in NFC, no empty
// text or struct set explicitly).
//
// Thread-safety: pure functions; safe to call concurrently. Nothing throws: malformed input comes
// back as FieldErrors (storage/validation.h) naming the key path ("card.issued_on",
// "other_names[1]") or "" for the document as a whole.
#pragma once

#include <kj/string.h>

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "storage/resident.capnp.h"
#include "storage/validation.h"

namespace dancu::storage {

inline constexpr size_t kMaxJsonStringBytes = 1024;     // any one string value, before NFC
inline constexpr size_t kMaxJsonListItems = 32;         // any one array
inline constexpr size_t kMaxJsonLineBytes = 64 * 1024;  // one document given to ParseJsonLine

// The JSON object of `r`, without the fields that are empty. Text is copied as it is: a record
// Validate accepts holds valid UTF-8, so dump() cannot throw on it. `r` must come from a
// well-formed message (any message read from the log or the store is); Cap'n Proto throws
// kj::Exception on a corrupt one.
nlohmann::json ResidentToJson(schema::Resident::Reader r);

// Reads the JSON object `json` into `out`. Reports every wrong type, unknown key, unknown enum
// value, malformed date, out-of-range integer, overlong string or array (kMaxJson*) and string of
// invalid UTF-8, each with its key path. On success sets exactly the fields whose keys `json` has
// (a nested object replaces the whole struct; null sets any field to empty, as "", [] and {} do
// for text, lists and structs), NFC-normalizes every string, and, when `fields_set` is not null,
// stores there the ordinals (@N in resident.capnp) of those fields, ascending. On failure leaves
// `out` and `fields_set` untouched. Checks form, not meaning: run Validate on the record that
// results.
FieldErrors ResidentFromJson(const nlohmann::json& json, schema::Resident::Builder out,
                             std::vector<uint16_t>* fields_set);

// Parses one JSON document (one line of an import file) into `*out`. Malformed JSON, a document
// over kMaxJsonLineBytes and an object with a repeated key come back as one FieldError with field
// "" and a reason naming the (0-based) offset of the byte where the parser stopped, where known
// ("malformed JSON at byte offset 38: syntax error while parsing value - invalid literal").
FieldErrors ParseJsonLine(std::string_view text, nlohmann::json* out);

// The JSON key of the capnp field named `capnp_name`: "headCitizenNo" -> "head_citizen_no".
std::string JsonKeyOf(kj::StringPtr capnp_name);

}  // namespace dancu::storage
