// The ethnic groups of generated households, by province.
//
// Nearly everyone is Kinh (code 1), except in the northern mountain provinces and the western
// parts of Thanh Hóa and Nghệ An, where households are Tày (2), Thái (3), Mường (6), Nùng (7),
// Hmông (8) or Dao (9) in roughly the shares of the 2019 census (smaller groups are folded into
// these six). A simple rule by 2023 province, not a census.
//
// Thread-safety: pure function over a constant table; the Random passed in is the caller's.
#pragma once

#include <cstdint>
#include <string_view>

#include "tools/gen/random.h"

namespace dancu::tools::gen {

// The official code of the ethnic group of a household in the 2023 province `province` (2 digits).
uint8_t DrawEthnicGroup(std::string_view province, Random& random);

}  // namespace dancu::tools::gen
