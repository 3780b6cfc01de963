// The 54 ethnic groups of Vietnam and their official GSO codes (Decision 121-TCTK/PPCĐ of
// 2 March 1979): 1 Kinh, 2 Tày, ... 54 Rơ-măm. Resident.ethnicity holds the code; 0 is unknown.
//
// Thread-safety: pure functions over a constant table. Nothing throws.
#pragma once

#include <string_view>

namespace dancu::storage {

inline constexpr unsigned kEthnicGroupCount = 54;

// The Vietnamese name (NFC) of the group with official code `code` (1..54), for example
// EthnicGroupName(6) == "Mường"; an empty string_view for any other code.
std::string_view EthnicGroupName(unsigned code);

}  // namespace dancu::storage
