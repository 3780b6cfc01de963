// Planted duplicates: a resident registered a second time, as it happens in the field — the name
// typed with a one-letter mistake or without the middle name, the birth date known only to the year
// or month, or day and month swapped, a parent's name mistyped — in another household, without the
// card, and without its citizen number (or with one digit of it wrong). At least one change per
// copy, more at times.
//
// Thread-safety: not thread-safe (uses the run's Random). Nothing throws.
#pragma once

#include <nlohmann/json.hpp>

#include "tools/gen/random.h"

namespace dancu::tools::gen {

// The second registration of the clean resident `original` (its JSON line, storage/record_json.h);
// a valid resident in the same JSON form.
nlohmann::json PlantDuplicate(const nlohmann::json& original, Random& random);

}  // namespace dancu::tools::gen
