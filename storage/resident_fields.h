// Named ordinals of the Resident fields that the change log's rules single out (storage/
// resident.capnp; a change names the fields it sets by these numbers, so they never change).
#pragma once

#include <cstdint>

namespace dancu::storage::fields {

inline constexpr uint16_t kCitizenNo = 1;
inline constexpr uint16_t kFullName = 3;
inline constexpr uint16_t kBirthDate = 5;
inline constexpr uint16_t kSex = 6;
inline constexpr uint16_t kPermanentResidence = 15;
inline constexpr uint16_t kHousehold = 18;
inline constexpr uint16_t kStatus = 23;
inline constexpr uint16_t kDeathDate = 24;
inline constexpr uint16_t kHomeUnit = 26;
inline constexpr uint16_t kMergedInto = 27;
inline constexpr uint16_t kCardReview = 29;
inline constexpr uint16_t kDistinctFrom = 30;

// Fields whose concurrent edits an operator must decide (identity, death, household, residence).
inline bool NeedsReview(uint16_t field) {
  switch (field) {
    case kCitizenNo: case kFullName: case kBirthDate: case kSex: case kPermanentResidence:
    case kHousehold: case kStatus: case kDeathDate: case kHomeUnit: case kMergedInto:
      return true;
    default:
      return false;
  }
}

}  // namespace dancu::storage::fields
