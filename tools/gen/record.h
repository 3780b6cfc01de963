// Turns a member of a generated household into the resident record the rest of dancu reads.
//
// The record has no id and no home_unit (the importing node assigns them). Permanent residence is
// the household's address in the home commune; current residence is the same, or the place and
// temporary residence of a member living away; the father, mother, spouse and household head are
// named by reference when they are members; a minor's legal representative is a living parent in
// the household. Every unit is a commune of the Geography's era.
//
// Thread-safety: pure function over its arguments. Nothing throws.
#pragma once

#include <cstddef>

#include "storage/resident.capnp.h"
#include "tools/gen/geography.h"
#include "tools/gen/household.h"

namespace dancu::tools::gen {

// Fills the empty record `out` with household.members[index] as of `today`; `home` is the
// household's commune.
void FillResident(const Household& household, size_t index, const Locality& home,
                  storage::PartialDateValue today, schema::Resident::Builder out);

}  // namespace dancu::tools::gen
