// Address lines of generated households: a hamlet or residential group and the commune's name,
// in the style of the region ("Thôn Đông, Xã Yên Sở", "Bản Nà Tấu, Xã Mường Phăng",
// "Ấp 3, Xã Tân Phú", "Số 12, Tổ dân phố 4, Phường Trúc Bạch").
//
// Rural communes (xã, đặc khu) are divided into hamlets: thôn in most of the country, bản in the
// northwest, xóm in Hòa Bình, Thái Nguyên and Nghệ An, ấp in the southeast and the Mekong Delta.
// Wards and towns (phường, thị trấn) are divided into residential groups: tổ dân phố, or khu phố
// in the south, with house numbers. How many hamlets a commune has (4 to 14) and their names
// depend only on its code, so the same commune has the same hamlets whatever the seed.
//
// Thread-safety: pure functions; the Random passed in is the caller's. Nothing throws.
#pragma once

#include <string>

#include "tools/gen/geography.h"
#include "tools/gen/random.h"

namespace dancu::tools::gen {

// The address line of a house in a hamlet of `where`, chosen at random.
std::string AddressIn(const Locality& where, Random& random);

}  // namespace dancu::tools::gen
