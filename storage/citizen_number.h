// The personal identification number (số định danh cá nhân, the CCCD number) and the old
// 9-digit identity card number (CMND).
//
// A personal identification number is 12 digits, PPP G YY NNNNNN:
//   PPP    the province where the birth was registered: "0" + the 2-digit GSO code of one of the
//          63 pre-2025 provinces (001 Hà Nội, 079 Hồ Chí Minh City, 096 Cà Mau)
//   G      century and sex: 0/1 born 1900-1999 male/female, 2/3 2000-2099, 4/5 2100-2199,
//          6/7 2200-2299, 8/9 2300-2399
//   YY     the last two digits of the birth year
//   NNNNNN a serial number
//
// Reasons never repeat the whole number (it is personal data); they name the part that is wrong.
// Thread-safety: pure functions (the province check reads the immutable UnitRegistry); safe to
// call concurrently. Nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/partial_date.h"
#include "storage/resident.capnp.h"

namespace dancu::storage {

// Returns why `text` cannot be the citizen number of a person of `sex` born on `birth_date`, or
// nullopt when it can. Unknown parts are not checked: schema::Sex::UNKNOWN skips the sex, an
// unknown birth year skips the century and year digits. Checks in order and reports the first
// failure: 12 digits; province code; century/sex digit; year digits. Example reason:
// "century/sex digit 1 says female born 1900-1999 but the record says male born 1985".
std::optional<std::string> CheckCitizenNumber(std::string_view text, schema::Sex sex,
                                              PartialDateValue birth_date);

// Builds the citizen number of a person of `sex` born in `birth_year` with serial `serial`.
// Requires (asserted in debug builds): IsCitizenProvinceCode(province_code), sex MALE or FEMALE,
// 1900 <= birth_year <= 2399, serial < 1,000,000.
std::string MakeCitizenNumber(std::string_view province_code, schema::Sex sex, int birth_year,
                              uint32_t serial);

// Returns why `text` is not an old identity card number (9 digits), or nullopt when it is one.
std::optional<std::string> CheckOldIdNumber(std::string_view text);

}  // namespace dancu::storage
