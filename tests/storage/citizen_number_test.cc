// Citizen numbers PPP G YY NNNNNN and old 9-digit identity card numbers
// (storage/citizen_number.h).
#include "storage/citizen_number.h"

#include <catch2/catch.hpp>

namespace dancu::storage {
namespace {

using schema::Sex;

constexpr PartialDateValue kBorn1985{1985, 3, 7};
constexpr PartialDateValue kUnknownBirth{};

TEST_CASE("MakeCitizenNumber lays out province, century/sex, year and serial", "[citizen]") {
  CHECK(MakeCitizenNumber("001", Sex::MALE, 1985, 123) == "001085000123");
  CHECK(MakeCitizenNumber("079", Sex::FEMALE, 1985, 999'999) == "079185999999");
  CHECK(MakeCitizenNumber("096", Sex::MALE, 2003, 0) == "096203000000");
  CHECK(MakeCitizenNumber("096", Sex::FEMALE, 2009, 42) == "096309000042");
  CHECK(MakeCitizenNumber("001", Sex::FEMALE, 2100, 1) == "001500000001");
  CHECK(MakeCitizenNumber("001", Sex::MALE, 2399, 1) == "001899000001");
}

TEST_CASE("a number MakeCitizenNumber builds passes CheckCitizenNumber", "[citizen]") {
  for (int year : {1900, 1985, 1999, 2000, 2024, 2150, 2399}) {
    for (Sex sex : {Sex::MALE, Sex::FEMALE}) {
      const std::string number = MakeCitizenNumber("038", sex, year, 77);
      CHECK(CheckCitizenNumber(number, sex, {static_cast<uint16_t>(year), 1, 1}) == std::nullopt);
    }
  }
}

TEST_CASE("a citizen number has 12 digits", "[citizen]") {
  for (const char* text : {"", "00108500012", "0010850001234", "00108500012a", "001 85000123"}) {
    CHECK(CheckCitizenNumber(text, Sex::MALE, kBorn1985) == "must be 12 digits");
  }
}

TEST_CASE("the province code is one of the 63", "[citizen]") {
  CHECK(CheckCitizenNumber("003085000123", Sex::MALE, kBorn1985) ==
        "province code 003 is not one of the 63 province codes");
  CHECK(CheckCitizenNumber("100085000123", Sex::MALE, kBorn1985) ==
        "province code 100 is not one of the 63 province codes");
}

TEST_CASE("the century/sex digit agrees with the record", "[citizen]") {
  CHECK(CheckCitizenNumber("001185000123", Sex::MALE, kBorn1985) ==
        "century/sex digit 1 says female born 1900-1999 but the record says male born 1985");
  CHECK(CheckCitizenNumber("001285000123", Sex::MALE, kBorn1985) ==
        "century/sex digit 2 says male born 2000-2099 but the record says male born 1985");
  CHECK(CheckCitizenNumber("001085000123", Sex::FEMALE, kUnknownBirth) ==
        "century/sex digit 0 says male born 1900-1999 but the record says female");
  CHECK(CheckCitizenNumber("001385000123", Sex::UNKNOWN, kBorn1985) ==
        "century/sex digit 3 says female born 2000-2099 but the record says born 1985");
  // Born before 1900: no digit can say so.
  CHECK(CheckCitizenNumber("001090000123", Sex::MALE, {1890, 0, 0}) ==
        "century/sex digit 0 says male born 1900-1999 but the record says male born 1890");
}

TEST_CASE("the year digits agree with the birth year", "[citizen]") {
  CHECK(CheckCitizenNumber("001086000123", Sex::MALE, kBorn1985) ==
        "birth year digits 86 do not match the birth year 1985");
  CHECK(CheckCitizenNumber("001205000123", Sex::MALE, {2005, 0, 0}) == std::nullopt);
}

TEST_CASE("unknown sex and birth date leave those digits unchecked", "[citizen]") {
  for (const char* text : {"001085000123", "001185000123", "001999000123"}) {
    CHECK(CheckCitizenNumber(text, Sex::UNKNOWN, kUnknownBirth) == std::nullopt);
  }
}

TEST_CASE("an old identity card number has 9 digits", "[citizen]") {
  CHECK(CheckOldIdNumber("012345678") == std::nullopt);
  for (const char* text : {"", "01234567", "0123456789", "01234567x"}) {
    CHECK(CheckOldIdNumber(text) == "must be 9 digits");
  }
}

}  // namespace
}  // namespace dancu::storage
