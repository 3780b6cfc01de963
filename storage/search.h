// Search over a store's indexes: by name as Vietnamese officers type it, by household, by unit.
//
// A name query is folded like the index (storage/name_fold.h); a trailing four-digit token is
// taken as a birth year ("nguyen van an 1985"). Results are ranked:
//   1. the full name equals the query (diacritics typed exactly as stored rank first),
//   2. the trailing tokens of the name equal the query ("van an", "an"),
//   3. the full name starts with the query at a word boundary,
//   4. the trailing tokens start with the query at a word boundary;
// with a year, matches of that year come first in each rank, and other years follow only when the
// year-matching ones do not fill `limit`. Each rank examines at most kMaxScanPerRank index entries,
// so the cost of a query is bounded however common a name is.
//
// Thread-safe (reads only). Errors: IOError/Corruption from the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"
#include "storage/store.h"

namespace dancu::storage {

struct NameQuery {
  std::string text;                 // as typed, without the year
  std::string folded;               // FoldForSearch(text)
  std::optional<uint16_t> year;
};

NameQuery ParseNameQuery(std::string_view query);

struct SearchHit {
  std::string record_id;
  int rank = 0;             // 1..4 as above; lower is better
  bool year_matches = true;
  bool exact_diacritics = false;
};

inline constexpr size_t kMaxScanPerRank = 4096;

Result<std::vector<SearchHit>> SearchByName(const Store& store, std::string_view query, size_t limit);

// Record ids in a household or whose permanent residence is a unit, in id order.
Result<std::vector<std::string>> ListHousehold(const Store& store, std::string_view household_id, size_t limit);
Result<std::vector<std::string>> ListUnit(const Store& store, std::string_view unit, size_t limit);

}  // namespace dancu::storage
