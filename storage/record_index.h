// Secondary index entries derived from a resident record.
//
// All indexes live in one column family, each kind under its own one-byte prefix. A key ends with
// the record id so that one name, household or unit maps to many records. A citizen number belongs
// to one record; the store refuses a local change that would give it to a second, but replicas may
// bring two records claiming one number (a duplicate case for operators), so its keys end with the
// record id too, and the value repeats the id. A tombstone (a duplicate merged into
// another record) has no index entries: searches find the survivor.
//
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/resident.capnp.h"

namespace dancu::storage {

enum class IndexKind : char {
  kCitizenNo = 'c',   // citizen_no \0 record id -> record id
  kName = 'n',        // folded full name \0 birth year \0 record id
  kNameSuffix = 'g',  // folded trailing name tokens ("van an", "an") \0 birth year \0 record id
  kHousehold = 'h',   // household id \0 record id
  kUnit = 'u',        // permanent residence unit \0 record id
  // Blocks of the search for demographic duplicates (storage/person_match.h): block key \0 record
  // id -> the record's PersonSummary (storage/person_summary.h), one entry per block key.
  kPersonBlock = 'd',
};

struct IndexEntry {
  std::string key;
  std::string value;
  bool operator==(const IndexEntry&) const = default;
};

// The index entries of a resident. `person_blocks`: with its duplicate blocks (IndexKind::kPersonBlock),
// which only hubs and central keep (they look for one person registered twice:
// storage/person_duplicates.h); a commune writes none, to keep its record path short.
std::vector<IndexEntry> IndexEntriesFor(schema::Resident::Reader resident, bool person_blocks);

// The key prefix under which entries of `kind` for `term` sort ("n" + "nguyen van an" + "\0").
// With exact=false the trailing separator is left off, for prefix search over names.
std::string IndexPrefix(IndexKind kind, std::string_view term, bool exact = true);

// The birth year field of name keys: four digits, "0000" when unknown.
std::string YearTerm(uint16_t year);

// Splits a name-index key ("n" term \0 year \0 id) into its parts; false if malformed.
bool SplitNameKey(std::string_view key, std::string_view* term, std::string_view* year,
                  std::string_view* record_id);

}  // namespace dancu::storage
