// Validation of resident records (storage/validation.h), and the partial dates and ethnic groups
// it relies on (storage/partial_date.h, storage/ethnicity.h).
#include "storage/validation.h"

#include <capnp/message.h>

#include <catch2/catch.hpp>
#include <string>

#include "storage/ethnicity.h"
#include "storage/partial_date.h"

namespace dancu::storage {
namespace {

constexpr PartialDateValue kToday{2025, 6, 15};

// A resident that passes Validate and has no completeness gap; tests break one rule at a time.
class Record {
 public:
  Record() : r_(message_.initRoot<schema::Resident>()) {
    r_.setId("a1b2-7");
    r_.setCitizenNo("001085000123");
    r_.setFullName("Nguyễn Văn An");
    WritePartialDate({1985, 3, 7}, r_.initBirthDate());
    r_.setSex(schema::Sex::MALE);
    r_.initHometown().setUnit("00004");
    r_.setEthnicity(1);
    r_.setNationality("VN");
    auto residence = r_.initPermanentResidence();
    residence.setUnit("00004");
    residence.setAddress("12 phố Quán Thánh, tổ 3");
    auto household = r_.initHousehold();
    household.setId("HK-0001");
    household.setHeadCitizenNo("001085000123");
    household.setRelationship(schema::Relationship::HEAD);
  }

  schema::Resident::Builder* operator->() { return &r_; }
  FieldErrors Errors() { return Validate(r_.asReader(), kToday); }
  std::vector<std::string> Gaps() { return CompletenessGaps(r_.asReader()); }

  // The reasons Validate gives for `field`, joined by " | "; "" when there is none.
  std::string ReasonsFor(const std::string& field) {
    std::string joined;
    for (const FieldError& error : Errors()) {
      if (error.field == field) joined += (joined.empty() ? "" : " | ") + error.reason;
    }
    return joined;
  }

  // Every field Validate names, joined by " ".
  std::string Fields() {
    std::string joined;
    for (const FieldError& error : Errors()) joined += (joined.empty() ? "" : " ") + error.field;
    return joined;
  }

 private:
  capnp::MallocMessageBuilder message_;
  schema::Resident::Builder r_;
};

using Catch::Contains;
using Catch::Equals;

TEST_CASE("a complete, consistent record is valid and clean", "[validation]") {
  Record record;
  CHECK(record.Fields() == "");
  CHECK(record.Gaps().empty());
}

TEST_CASE("full_name, birth_date, sex and permanent_residence.unit are required", "[validation]") {
  capnp::MallocMessageBuilder message;
  auto empty = message.initRoot<schema::Resident>();
  const FieldErrors errors = Validate(empty.asReader(), kToday);
  CHECK(errors == FieldErrors{{"full_name", "is required"},
                              {"birth_date", "is required (at least the year)"},
                              {"sex", "is required"},
                              {"permanent_residence.unit", "is required"}});
}

TEST_CASE("the citizen number must fit the record's province codes, sex and birth year",
          "[validation]") {
  Record record;
  record->setCitizenNo("00108500012");
  CHECK(record.ReasonsFor("citizen_no") == "must be 12 digits");
  record->setCitizenNo("064185000123");  // 064 is Gia Lai; the sex digit says female
  CHECK(record.ReasonsFor("citizen_no") ==
        "century/sex digit 1 says female born 1900-1999 but the record says male born 1985");
  record->setCitizenNo("003085000123");
  CHECK(record.ReasonsFor("citizen_no") == "province code 003 is not one of the 63 province codes");
  record->setCitizenNo("001086000123");
  CHECK(record.ReasonsFor("citizen_no") == "birth year digits 86 do not match the birth year 1985");
}

TEST_CASE("the old identity card number has 9 digits", "[validation]") {
  Record record;
  record->setOldIdNo("012345678");
  CHECK(record.Fields() == "");
  record->setOldIdNo("12345");
  CHECK(record.ReasonsFor("old_id_no") == "must be 9 digits");
}

TEST_CASE("every unit code must exist in the 2023 or 2025 units", "[validation]") {
  Record record;
  record->getPermanentResidence().setUnit("99999");
  record->initBirthPlace().setUnit("abc");
  record->initTemporaryResidence().setUnit("26732");  // 2025 only: fine
  record->initCurrentResidence().setUnit("001");      // a 2023 district: fine
  record->setHomeUnit("00002");
  CHECK(record.ReasonsFor("permanent_residence.unit") ==
        "no administrative unit has code 99999 (in 2023 or 2025)");
  CHECK(record.ReasonsFor("birth_place.unit") == "is not a unit code (2, 3 or 5 digits)");
  CHECK(record.ReasonsFor("home_unit") ==
        "no administrative unit has code 00002 (in 2023 or 2025)");
  CHECK(record.Fields() == "birth_place.unit permanent_residence.unit home_unit");
}

TEST_CASE("dates must be real, not in the future and not before 1880", "[validation]") {
  Record record;
  WritePartialDate({2025, 6, 16}, record->getBirthDate());
  CHECK(record.ReasonsFor("birth_date") == "2025-06-16 is after today (2025-06-15)");
  WritePartialDate({2026, 0, 0}, record->getBirthDate());
  CHECK(record.ReasonsFor("birth_date") == "2026 is after today (2025-06-15)");
  WritePartialDate({2025, 0, 0}, record->getBirthDate());  // may be before today
  CHECK(record.ReasonsFor("birth_date") == "");
  WritePartialDate({1879, 12, 31}, record->getBirthDate());
  CHECK(record.ReasonsFor("birth_date") == "1879-12-31 is before 1880");
  WritePartialDate({2023, 2, 29}, record->getBirthDate());
  CHECK(record.ReasonsFor("birth_date") == "day 29 does not exist in 2023-02");
  WritePartialDate({1985, 13, 0}, record->getBirthDate());
  CHECK(record.ReasonsFor("birth_date") == "month 13 is not 1-12");
  WritePartialDate({1985, 0, 7}, record->getBirthDate());
  CHECK(record.ReasonsFor("birth_date") == "has a day but no month");
}

TEST_CASE("a death date needs status deceased and follows the birth", "[validation]") {
  Record record;
  WritePartialDate({2020, 1, 1}, record->initDeathDate());
  CHECK(record.ReasonsFor("death_date") == "is set but status is not deceased");

  record->setStatus(schema::LifeStatus::DECEASED);
  CHECK(record.Fields() == "");
  WritePartialDate({1984, 0, 0}, record->getDeathDate());
  CHECK(record.ReasonsFor("death_date") == "1984 is before the birth date 1985-03-07");
  WritePartialDate({1985, 0, 0}, record->getDeathDate());  // may be after the birth
  CHECK(record.ReasonsFor("death_date") == "");
  WritePartialDate({2030, 1, 1}, record->getDeathDate());
  CHECK(record.ReasonsFor("death_date") == "2030-01-01 is after today (2025-06-15)");

  // A deceased record without a death date is valid, but not clean.
  WritePartialDate({}, record->getDeathDate());
  CHECK(record.Fields() == "");
  CHECK_THAT(record.Gaps(), Equals(std::vector<std::string>{"death date unknown"}));
}

TEST_CASE("names are NFC letters, spaces, hyphens and apostrophes, at most 100 characters",
          "[validation]") {
  Record record;
  record->setFullName("Nguye\xCC\x82\xCC\x83n Văn An");  // "ễ" as e + two combining marks
  CHECK(record.ReasonsFor("full_name") == "is not in Unicode NFC");
  record->setFullName("Nguyễn Văn 3");
  CHECK(record.ReasonsFor("full_name") ==
        "contains '3' (U+0033), which is not a letter, space, hyphen or apostrophe");
  record->setFullName("Nguyễn\tVăn An");
  CHECK(record.ReasonsFor("full_name") == "contains the control character U+0009");
  record->setFullName("Nguy\xE1\xBB");
  CHECK(record.ReasonsFor("full_name") == "is not valid UTF-8 (ill-formed byte at offset 4)");
  record->setFullName(" Nguyễn Văn An");
  CHECK(record.ReasonsFor("full_name") == "starts or ends with a space");
  record->setFullName("- '");
  CHECK(record.ReasonsFor("full_name") == "has no letter");
  std::string long_name;
  for (size_t i = 0; i <= kMaxNameChars; ++i) long_name += "ễ";  // 3 bytes, 1 character
  record->setFullName(long_name);
  CHECK(record.ReasonsFor("full_name") == "is 101 characters long; the limit is 100");
  record->setFullName("Hờ A Dơ-Lù K'Bố Nguyễn Thị Ánh’s");
  CHECK(record.ReasonsFor("full_name") == "");

  auto other_names = record->initOtherNames(2);
  other_names.set(0, "Tèo");
  other_names.set(1, "");
  CHECK(record.ReasonsFor("other_names[1]") == "is empty");
  CHECK(record.ReasonsFor("other_names[0]") == "");
  record->initOtherNames(kMaxOtherNames + 1);
  CHECK_THAT(record.ReasonsFor("other_names"), Contains("has 17 entries; the limit is 16"));
}

TEST_CASE("text fields have length limits counted in characters", "[validation]") {
  Record record;
  std::string address;
  for (size_t i = 0; i < kMaxAddressChars; ++i) address += "ấ";  // 3 bytes each
  record->getPermanentResidence().setAddress(address);
  CHECK(record.ReasonsFor("permanent_residence.address") == "");
  record->getPermanentResidence().setAddress(address + "a");
  CHECK(record.ReasonsFor("permanent_residence.address") ==
        "is 201 characters long; the limit is 200");
  record->setReligion(std::string(kMaxTextChars + 1, 'x'));
  CHECK(record.ReasonsFor("religion") == "is 65 characters long; the limit is 64");
  record->setId(std::string(kMaxIdChars + 1, 'x'));
  CHECK(record.ReasonsFor("id") == "is 65 characters long; the limit is 64");
  record->setId("a b");
  CHECK(record.ReasonsFor("id") ==
        "contains ' ' (U+0020); identifiers are printable ASCII without spaces");
  record->getPermanentResidence().setAddress("tổ 3\nxóm 2");
  CHECK(record.ReasonsFor("permanent_residence.address") ==
        "contains the control character U+000A");
}

TEST_CASE("ethnicity is 0..54, nationality two uppercase letters", "[validation]") {
  Record record;
  record->setEthnicity(54);
  CHECK(record.Fields() == "");
  record->setEthnicity(55);
  record->setNationality("vn");
  CHECK(record.ReasonsFor("ethnicity") ==
        "code 55 is not 0 (unknown) or one of the 54 groups 1-54");
  CHECK(record.ReasonsFor("nationality") ==
        "must be two uppercase letters (ISO 3166-1 alpha-2, \"VN\")");
}

TEST_CASE("enum values from a newer schema are rejected", "[validation]") {
  Record record;
  record->setSex(static_cast<schema::Sex>(7));
  record->setBloodType(static_cast<schema::BloodType>(9));
  record->getHousehold().setRelationship(static_cast<schema::Relationship>(40));
  CHECK(record.ReasonsFor("sex") == "value 7 is not one this version of dancu knows");
  CHECK(record.ReasonsFor("blood_type") == "value 9 is not one this version of dancu knows");
  CHECK(record.ReasonsFor("household.relationship") ==
        "value 40 is not one this version of dancu knows");
}

TEST_CASE("relatives' citizen numbers are checked, with the parents' sex", "[validation]") {
  Record record;
  record->initFather().setCitizenNo("001160000001");  // female digit
  record->initMother().setCitizenNo("001160000002");
  record->getMother().setName("Trần Thị 2");
  record->initSpouse().setCitizenNo("001");
  record->initRepresentative().setCitizenNo("002086000001");  // 002 is Hà Giang: fine
  CHECK(record.ReasonsFor("father.citizen_no") ==
        "century/sex digit 1 says female born 1900-1999 but the record says male");
  CHECK(record.ReasonsFor("mother.citizen_no") == "");
  CHECK_THAT(record.ReasonsFor("mother.name"), Contains("'2' (U+0032)"));
  CHECK(record.ReasonsFor("spouse.citizen_no") == "must be 12 digits");
  CHECK(record.ReasonsFor("representative.citizen_no") == "");
}

TEST_CASE("the household relationship needs a household, and the head is the resident",
          "[validation]") {
  Record record;
  record->getHousehold().setHeadCitizenNo("001090000777");
  CHECK(record.ReasonsFor("household.head_citizen_no") ==
        "is not the resident's own citizen number, but the relationship is head");
  record->getHousehold().setRelationship(schema::Relationship::CHILD);
  CHECK(record.Fields() == "");
  record->getHousehold().setId("");
  CHECK(record.ReasonsFor("household.id") == "is required when a relationship is given");
}

TEST_CASE("the card: issued needs its number and date, in order", "[validation]") {
  Record record;
  auto card = record->initCard();
  card.setApplicationId("HS-2024-0001");
  card.setStatus(schema::CardStatus::ISSUED);
  CHECK(record.ReasonsFor("card.card_no") == "is required when the card is issued");
  CHECK(record.ReasonsFor("card.issued_on") == "is required when the card is issued");

  card.setCardNo("001085000123");
  WritePartialDate({2024, 5, 2}, card.initAppliedOn());
  WritePartialDate({2024, 6, 1}, card.initIssuedOn());
  WritePartialDate({2045, 3, 7}, card.initExpiresOn());  // expiry lies in the future
  CHECK(record.Fields() == "");

  WritePartialDate({2024, 4, 30}, card.getIssuedOn());
  CHECK(record.ReasonsFor("card.issued_on") ==
        "2024-04-30 is before the application date 2024-05-02");
  WritePartialDate({2024, 6, 1}, card.getIssuedOn());
  WritePartialDate({2024, 6, 1}, card.getExpiresOn());
  CHECK(record.ReasonsFor("card.expires_on") ==
        "2024-06-01 is not after the issue date 2024-06-01");
  WritePartialDate({2045, 3, 7}, card.getExpiresOn());

  card.setCardNo("001085000124");
  CHECK(record.ReasonsFor("card.card_no") ==
        "differs from citizen_no (a citizen-ID card carries the citizen number)");
  record->setCitizenNo("");
  card.setCardNo("001185000124");
  CHECK_THAT(record.ReasonsFor("card.card_no"), Contains("says female"));
}

TEST_CASE("merged_into names another record", "[validation]") {
  Record record;
  record->setMergedInto("a1b2-9");
  CHECK(record.Fields() == "");
  record->setMergedInto("a1b2-7");
  CHECK(record.ReasonsFor("merged_into") == "is the record's own id");
}

TEST_CASE("CompletenessGaps lists what keeps a valid record from being clean", "[validation]") {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::Resident>();
  r.setFullName("Lò Thị Mai");
  WritePartialDate({1990, 0, 0}, r.initBirthDate());
  r.setSex(schema::Sex::FEMALE);
  r.initPermanentResidence().setUnit("00004");
  CHECK(Validate(r.asReader(), kToday).empty());
  CHECK_THAT(CompletenessGaps(r.asReader()),
             Equals(std::vector<std::string>{"no citizen number yet", "birth date only partial",
                                             "no hometown", "ethnicity unknown", "no household",
                                             "nationality unknown"}));
}

TEST_CASE("UTF-8 and NFC helpers", "[validation]") {
  CHECK(FindInvalidUtf8("") == std::nullopt);
  CHECK(FindInvalidUtf8("Nguyễn") == std::nullopt);
  CHECK(FindInvalidUtf8("\xF0\x9F\x98\x80") == std::nullopt);  // U+1F600
  CHECK(FindInvalidUtf8("ab\xFF") == 2u);
  CHECK(FindInvalidUtf8("\xC0\xAF") == 0u);          // overlong '/'
  CHECK(FindInvalidUtf8("a\xED\xA0\x80") == 1u);     // a surrogate
  CHECK(FindInvalidUtf8("\xF4\x90\x80\x80") == 0u);  // above U+10FFFF
  CHECK(FindInvalidUtf8("x\xE1\xBB") == 1u);         // truncated
  CHECK(ToNfc("Nguye\xCC\x82\xCC\x83n") == "Nguyễn");
  CHECK(ToNfc("Nguyễn") == "Nguyễn");
}

TEST_CASE("partial dates: calendar", "[partial_date]") {
  CHECK(IsLeapYear(2024));
  CHECK(IsLeapYear(2000));
  CHECK_FALSE(IsLeapYear(1900));
  CHECK_FALSE(IsLeapYear(2023));
  CHECK(DaysInMonth(2024, 2) == 29);
  CHECK(DaysInMonth(2023, 2) == 28);
  CHECK(DaysInMonth(2023, 4) == 30);
  CHECK(CheckPartialDate({}) == std::nullopt);
  CHECK(CheckPartialDate({2024, 2, 29}) == std::nullopt);
  CHECK(CheckPartialDate({2023, 2, 29}) == "day 29 does not exist in 2023-02");
  CHECK(CheckPartialDate({0, 3, 0}) == "has a month but no year");
  CHECK(CheckPartialDate({10000, 0, 0}) == "year 10000 is beyond 9999");
}

TEST_CASE("partial dates: comparison where the precision allows", "[partial_date]") {
  CHECK(ComparePartialDates({1985, 3, 7}, {1985, 3, 8}) == std::partial_ordering::less);
  CHECK(ComparePartialDates({1985, 0, 0}, {1986, 1, 1}) == std::partial_ordering::less);
  CHECK(ComparePartialDates({1985, 12, 0}, {1985, 11, 30}) == std::partial_ordering::greater);
  CHECK(ComparePartialDates({1985, 3, 0}, {1985, 3, 0}) == std::partial_ordering::equivalent);
  CHECK(ComparePartialDates({1985, 0, 0}, {1985, 3, 7}) == std::partial_ordering::unordered);
  CHECK(ComparePartialDates({1985, 3, 0}, {1985, 3, 7}) == std::partial_ordering::unordered);
  CHECK(ComparePartialDates({}, {1985, 3, 7}) == std::partial_ordering::unordered);
  CHECK(ComparePartialDates({1985, 13, 0}, {1990, 1, 1}) == std::partial_ordering::unordered);
}

TEST_CASE("partial dates: format and parse", "[partial_date]") {
  CHECK(FormatPartialDate({1985, 0, 0}) == "1985");
  CHECK(FormatPartialDate({1985, 3, 0}) == "1985-03");
  CHECK(FormatPartialDate({1985, 3, 7}) == "1985-03-07");
  CHECK(FormatPartialDate({999, 1, 1}) == "0999-01-01");
  CHECK(FormatPartialDate({}) == "");
  for (PartialDateValue date : {PartialDateValue{1985, 0, 0}, PartialDateValue{1985, 3, 0},
                                PartialDateValue{2024, 2, 29}}) {
    auto parsed = ParsePartialDate(FormatPartialDate(date));
    REQUIRE(parsed.ok());
    CHECK(*parsed == date);
  }
  const auto reason = [](const char* text) { return ParsePartialDate(text).status().message(); };
  CHECK(reason("85") == "must be YYYY, YYYY-MM or YYYY-MM-DD");
  CHECK(reason("1985-3-7") == "must be YYYY, YYYY-MM or YYYY-MM-DD");
  CHECK(reason("1985/03/07") == "must be YYYY, YYYY-MM or YYYY-MM-DD");
  CHECK(reason("1985-03-07T00") == "must be YYYY, YYYY-MM or YYYY-MM-DD");
  CHECK(reason("-985") == "must be YYYY, YYYY-MM or YYYY-MM-DD");
  CHECK(reason("0000") == "year 0000 is not a year");
  CHECK(reason("1985-00") == "month 0 is not 1-12");
  CHECK(reason("1985-13") == "month 13 is not 1-12");
  CHECK(reason("1985-02-00") == "day 0 is not a day");
  CHECK(reason("1985-02-29") == "day 29 does not exist in 1985-02");
}

TEST_CASE("partial dates: today in Vietnam is UTC+7", "[partial_date]") {
  using namespace std::chrono;
  const sys_days new_year_utc = year{2025} / January / 1;
  CHECK(TodayInVietnam(new_year_utc - hours(8)) == PartialDateValue{2024, 12, 31});
  CHECK(TodayInVietnam(new_year_utc - hours(7)) == PartialDateValue{2025, 1, 1});
  CHECK(TodayInVietnam(new_year_utc + hours(16) + minutes(59)) == PartialDateValue{2025, 1, 1});
  CHECK(TodayInVietnam(new_year_utc + hours(17)) == PartialDateValue{2025, 1, 2});
}

TEST_CASE("the 54 ethnic groups by official code", "[ethnicity]") {
  CHECK(EthnicGroupName(1) == "Kinh");
  CHECK(EthnicGroupName(6) == "Mường");
  CHECK(EthnicGroupName(8) == "Hmông");
  CHECK(EthnicGroupName(23) == "Bru-Vân Kiều");
  CHECK(EthnicGroupName(54) == "Rơ-măm");
  CHECK(EthnicGroupName(0).empty());
  CHECK(EthnicGroupName(55).empty());
  for (unsigned code = 1; code <= kEthnicGroupCount; ++code) {
    CHECK(!EthnicGroupName(code).empty());
    CHECK(ToNfc(EthnicGroupName(code)) == EthnicGroupName(code));
  }
}

}  // namespace
}  // namespace dancu::storage
