// Who lives in a generated household: the head, a spouse, sometimes the head's parents, the
// children still at home and, in some older households, a married son with his wife and children.
//
// The model, in outline (the numbers are in family.cc):
//   - the head's age follows that of Vietnamese household heads (20-92, most 30-59); older heads
//     are more often women and more often widowed; marital status follows age
//   - spouses are of the opposite sex, the husband usually a few years older
//   - children are born to the mother at 19-44, fewer the later she was born; the older a child,
//     the less likely it still lives at home
//   - a household shares one ethnic group (tools/gen/ethnic_mix.h), one religion and one address;
//     children take the father's family name and his hometown (quê quán)
//   - births are registered mostly in the home commune or province, some elsewhere (migrants)
//   - a widowed head's late spouse, or a head's late father, sometimes keeps a deceased record;
//     deaths fall in the eight years before `today`
//   - some of the elderly know their birth date only to the year or the month
//   - some young adults live and hold temporary residence elsewhere
// Papers (citizen numbers, cards) are added by tools/gen/papers.h.
//
// Thread-safety: not thread-safe (uses the run's Random). Nothing throws.
#pragma once

#include <cstddef>

#include "storage/partial_date.h"
#include "tools/gen/geography.h"
#include "tools/gen/household.h"
#include "tools/gen/random.h"

namespace dancu::tools::gen {

inline constexpr size_t kMaxHouseholdSize = 7;

class FamilyMaker {
 public:
  // `geography` and `random` must outlive the maker.
  FamilyMaker(const Geography& geography, storage::PartialDateValue today, Random& random);

  // A household of 1 to min(kMaxHouseholdSize, max_members) members (max_members >= 1), the head
  // first and every member before the children that refer to it; without id and papers.
  Household Make(size_t max_members);

 private:
  class Builder;

  const Geography& geography_;
  storage::PartialDateValue today_;
  Random& random_;
  bool southern_;  // the home province is Đà Nẵng or further south
};

}  // namespace dancu::tools::gen
