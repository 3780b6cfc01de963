// A card's DG13 against the resident's record: what counts as the same and what is listed.
#include <catch2/catch.hpp>

#include "node/card_check.h"

namespace dancu::node {
namespace {

using nlohmann::json;

devices::card::CitizenData Card() {
  devices::card::CitizenData c;
  c.citizen_no = "001085012345";
  c.full_name = "NGUYỄN VĂN AN";
  c.birth_date = "07/03/1985";
  c.sex = "Nam";
  c.nationality = "Việt Nam";
  c.ethnicity = "Kinh";
  c.religion = "Không";
  c.hometown = "Phường Ba Đình, Thành phố Hà Nội";
  c.permanent_residence = "Số 5 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội";
  c.father = "Nguyễn Văn Bình";
  c.mother = "Trần Thị Cúc";
  return c;
}

json Record() {
  return json::parse(R"({
    "citizen_no": "001085012345", "full_name": "Nguyễn Văn An", "birth_date": "1985-03-07",
    "sex": "male", "nationality": "VN", "ethnicity": 1,
    "hometown": {"unit": "00004"},
    "permanent_residence": {"unit": "00004", "address": "Số 5 phố Đội Cấn"},
    "father": {"name": "nguyen van binh"}, "mother": {"name": "Trần Thị Cúc"}})");
}

std::vector<std::string> Fields(const std::vector<CardDifference>& diffs) {
  std::vector<std::string> out;
  for (const CardDifference& d : diffs) out.push_back(d.field);
  return out;
}

TEST_CASE("card_check: a card that agrees with its record lists no difference", "[card]") {
  CHECK(CompareCardWithRecord(Card(), Record()).empty());
}

TEST_CASE("card_check: each disagreement is listed with both values", "[card]") {
  json record = Record();
  record["birth_date"] = "1985-07-03";             // day and month swapped at registration
  record["full_name"] = "Nguyễn Văn Ân";           // differs in a diacritic only: not listed
  record["permanent_residence"]["unit"] = "00008"; // Phường Ngọc Hà, not Ba Đình
  record["ethnicity"] = 2;                         // Tày
  record["mother"] = {{"name", "Trần Thị Cúc Hoa"}};
  std::vector<CardDifference> diffs = CompareCardWithRecord(Card(), record);
  CHECK(Fields(diffs) == std::vector<std::string>{"birth_date", "ethnicity", "permanent_residence",
                                                  "mother"});
  CHECK(diffs[0].card == "07/03/1985");
  CHECK(diffs[0].record == "1985-07-03");
  CHECK(diffs[2].record.find("Phường Ngọc Hà") != std::string::npos);
}

TEST_CASE("card_check: a partial date in the record differs from the card's full date",
          "[card]") {
  json record = Record();
  record["birth_date"] = "1985";
  CHECK(Fields(CompareCardWithRecord(Card(), record)) == std::vector<std::string>{"birth_date"});
}

TEST_CASE("card_check: the card's fields appear under the record's keys", "[card]") {
  json j = CardToJson(Card());
  CHECK(j["citizen_no"] == "001085012345");
  CHECK(j["birth_date"] == "1985-03-07");
  CHECK(j["sex"] == "male");
  CHECK(j["nationality"] == "VN");
  CHECK(j["expires_on"] == "");  // Card() prints no expiry
}

TEST_CASE("card_check: an expiry date, and a card without expiry", "[card]") {
  devices::card::CitizenData c = Card();
  c.expiry = "07/03/2030";
  json j = CardToJson(c);
  CHECK(j["expires_on"] == "2030-03-07");
  CHECK(j["no_expiry"] == false);
  for (const char* none : {"Không thời hạn", "KHÔNG THỜI HẠN", "khong thoi han"}) {
    c.expiry = none;
    j = CardToJson(c);
    CHECK(j["expires"] == none);
    CHECK(j["expires_on"] == "");
    CHECK(j["no_expiry"] == true);
  }
  c.expiry = "Không rõ";
  CHECK(CardToJson(c)["no_expiry"] == false);
}

}  // namespace
}  // namespace dancu::node
