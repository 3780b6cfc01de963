#include "storage/citizen_number.h"

#include <algorithm>
#include <cassert>

#include "storage/units.h"

namespace dancu::storage {

namespace {

constexpr int kFirstEncodableYear = 1900;
[[maybe_unused]] constexpr int kLastEncodableYear = 2399;  // checked by an assert only

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const char* SexWord(bool female) { return female ? "female" : "male"; }

}  // namespace

std::optional<std::string> CheckCitizenNumber(std::string_view text, schema::Sex sex,
                                              PartialDateValue birth_date) {
  if (text.size() != 12 || !AllDigits(text)) return "must be 12 digits";
  const std::string_view province = text.substr(0, 3);
  if (!UnitRegistry::Get().IsCitizenProvinceCode(province)) {
    return "province code " + std::string(province) + " is not one of the 63 province codes";
  }

  const int g = text[3] - '0';
  const bool digit_female = g % 2 == 1;
  const int century_start = kFirstEncodableYear + 100 * (g / 2);
  const int year = birth_date.year;
  const bool sex_known = sex == schema::Sex::MALE || sex == schema::Sex::FEMALE;
  const bool sex_differs = sex_known && (sex == schema::Sex::FEMALE) != digit_female;
  const bool century_differs = year != 0 && (year < century_start || year > century_start + 99);
  if (sex_differs || century_differs) {
    std::string record;
    if (sex_known) record += SexWord(sex == schema::Sex::FEMALE);
    if (year != 0) record += (record.empty() ? "born " : " born ") + std::to_string(year);
    return "century/sex digit " + std::to_string(g) + " says " + SexWord(digit_female) + " born " +
           std::to_string(century_start) + "-" + std::to_string(century_start + 99) +
           " but the record says " + record;
  }

  const std::string_view yy = text.substr(4, 2);
  if (year != 0 && (yy[0] - '0') * 10 + (yy[1] - '0') != year % 100) {
    return "birth year digits " + std::string(yy) + " do not match the birth year " +
           std::to_string(year);
  }
  return std::nullopt;
}

std::string MakeCitizenNumber(std::string_view province_code, schema::Sex sex, int birth_year,
                              uint32_t serial) {
  assert(UnitRegistry::Get().IsCitizenProvinceCode(province_code));
  assert(sex == schema::Sex::MALE || sex == schema::Sex::FEMALE);
  assert(birth_year >= kFirstEncodableYear && birth_year <= kLastEncodableYear);
  assert(serial < 1'000'000);
  const int g = (birth_year - kFirstEncodableYear) / 100 * 2 + (sex == schema::Sex::FEMALE ? 1 : 0);
  std::string serial_digits = std::to_string(serial);
  serial_digits.insert(0, 6 - std::min<size_t>(6, serial_digits.size()), '0');
  const int yy = birth_year % 100;
  return std::string(province_code) + std::to_string(g) + (yy < 10 ? "0" : "") +
         std::to_string(yy) + serial_digits;
}

std::optional<std::string> CheckOldIdNumber(std::string_view text) {
  if (text.size() != 9 || !AllDigits(text)) return "must be 9 digits";
  return std::nullopt;
}

}  // namespace dancu::storage
