// Vietnamese personal names for generated residents.
//
// Family names follow their national frequencies (Nguyễn ~38%, Trần ~11%, Lê ~9.5%, ...; the
// southern spellings Huỳnh and Võ stand for Hoàng and Vũ from Đà Nẵng southward), except in the
// six northern minority groups the generator places (Tày, Thái, Mường, Nùng, Hmông, Dao), which
// draw from their own common family names. Middle and given names come from the compiled-in lists
// of tools/gen/data/; the old-style middle names Văn (men) and Thị (women) are the more likely the
// earlier the birth year.
//
// Thread-safety: Get() builds the lists on first use (thread-safe); they are immutable afterwards.
// The Random passed in is the caller's. Nothing throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/resident.capnp.h"
#include "tools/gen/random.h"

namespace dancu::tools::gen {

class Names {
 public:
  static const Names& Get();

  Names(const Names&) = delete;
  Names& operator=(const Names&) = delete;

  // A family name for a person of ethnic group `ethnicity` (official code, 1 Kinh) whose family
  // lives in the south (`southern`: provinces from Đà Nẵng southward).
  std::string_view FamilyName(uint8_t ethnicity, bool southern, Random& random) const;

  // "Văn Hùng", "Ngọc Anh": the middle and given names of a person of `sex` (MALE or FEMALE)
  // born in `birth_year`.
  std::string MiddleAndGiven(schema::Sex sex, int birth_year, Random& random) const;

 private:
  Names();

  std::vector<std::string> boy_;   // middle+given names, NFC
  std::vector<std::string> girl_;
};

}  // namespace dancu::tools::gen
