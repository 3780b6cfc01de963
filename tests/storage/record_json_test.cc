// The JSON form of a Resident (storage/record_json.h).
#include "storage/record_json.h"

#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/schema.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "storage/partial_date.h"

namespace dancu::storage {
namespace {

using Json = nlohmann::json;

std::string CanonicalBytes(schema::Resident::Reader r) {
  kj::Array<capnp::word> words = capnp::canonicalize(r);
  kj::ArrayPtr<const kj::byte> bytes = words.asBytes();
  return std::string(bytes.begin(), bytes.end());
}

// Reads `json` into a fresh resident; returns the errors.
FieldErrors ErrorsOf(const Json& json) {
  capnp::MallocMessageBuilder message;
  return ResidentFromJson(json, message.initRoot<schema::Resident>(), nullptr);
}

FieldErrors ErrorsOf(const char* text) { return ErrorsOf(Json::parse(text)); }

// Builds residents at random: each field set or left empty by a coin toss, with a value of its
// type, by reflection (so fields appended to the schema are covered too). As record_json.h asks,
// text is NFC and nothing empty is set explicitly.
class RandomResidents {
 public:
  explicit RandomResidents(uint32_t seed) : rng_(seed) {}

  void Fill(capnp::DynamicStruct::Builder out) {
    for (capnp::StructSchema::Field field : out.getSchema().getFields()) {
      if (Below(2) == 0) FillField(out, field);
    }
  }

 private:
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }

  std::string Text() {
    static const char* const kWords[] = {
        "Nguyễn", "Thị", "Đặng",      "An",    "tổ 3, xóm \"Đồng\"", "ấp Bình Ơn", "K'Bố",
        "a\\b",   "😀",   "tab\there", "Hmông", "001085000123",       "Phật giáo",  "VN"};
    std::string text = kWords[Below(std::size(kWords))];
    for (uint32_t extra = Below(3); extra > 0; --extra) {
      text += std::string(" ") + kWords[Below(std::size(kWords))];
    }
    return text;
  }

  void FillField(capnp::DynamicStruct::Builder out, capnp::StructSchema::Field field) {
    const capnp::Type type = field.getType();
    switch (type.which()) {
      case capnp::schema::Type::TEXT:
        out.set(field, capnp::Text::Reader(Text()));
        return;
      case capnp::schema::Type::UINT8:
        out.set(field, static_cast<uint64_t>(Below(256)));
        return;
      case capnp::schema::Type::UINT16:
        out.set(field, static_cast<uint64_t>(Below(65536)));
        return;
      case capnp::schema::Type::DATA: {
        std::vector<capnp::byte> bytes(1 + Below(40));
        for (capnp::byte& b : bytes) b = static_cast<capnp::byte>(Below(256));
        out.set(field, capnp::Data::Reader(bytes.data(), bytes.size()));
        return;
      }
      case capnp::schema::Type::ENUM: {
        auto enumerants = type.asEnum().getEnumerants();
        out.set(field, capnp::DynamicEnum(enumerants[Below(enumerants.size())]));
        return;
      }
      case capnp::schema::Type::BOOL:
        out.set(field, Below(2) != 0);
        return;
      case capnp::schema::Type::LIST: {
        const uint32_t size = 1 + Below(3);
        auto list = out.init(field, size).as<capnp::DynamicList>();
        const bool structs = type.asList().getElementType().isStruct();
        for (uint32_t i = 0; i < size; ++i) {
          if (structs) {
            Fill(list[i].as<capnp::DynamicStruct>());
          } else {
            list.set(i, capnp::Text::Reader(Text()));
          }
        }
        return;
      }
      case capnp::schema::Type::STRUCT: {
        auto child = out.init(field).as<capnp::DynamicStruct>();
        if (type.asStruct() == capnp::Schema::from<schema::PartialDate>()) {
          PartialDateValue date{static_cast<uint16_t>(1 + Below(9999)), 0, 0};
          if (Below(3) != 0) date.month = static_cast<uint8_t>(1 + Below(12));
          if (date.month != 0 && Below(2) != 0) {
            date.day = static_cast<uint8_t>(
                1 + Below(static_cast<uint32_t>(DaysInMonth(date.year, date.month))));
          }
          WritePartialDate(date, child.as<schema::PartialDate>());
          return;
        }
        Fill(child);
        bool empty = true;
        for (auto f : child.getSchema().getFields()) {
          empty = empty && !child.has(f, capnp::HasMode::NON_DEFAULT);
        }
        if (empty) out.clear(field);
        return;
      }
      default:
        FAIL("the random resident builder does not know the type of " +
             std::string(field.getProto().getName().cStr()));
    }
  }

  std::mt19937 rng_;
};

TEST_CASE("Resident -> JSON -> Resident keeps the canonical bytes (random residents)",
          "[record_json]") {
  RandomResidents random(20250701);
  for (int i = 0; i < 500; ++i) {
    capnp::MallocMessageBuilder original;
    random.Fill(original.initRoot<capnp::DynamicStruct>(capnp::Schema::from<schema::Resident>()));
    const auto r = original.getRoot<schema::Resident>().asReader();
    const Json json = ResidentToJson(r);

    // Through the text form, as the HTTP API and `dancu import` see it.
    Json reparsed;
    REQUIRE(ParseJsonLine(json.dump(), &reparsed).empty());
    capnp::MallocMessageBuilder copy;
    std::vector<uint16_t> fields;
    const FieldErrors errors =
        ResidentFromJson(reparsed, copy.initRoot<schema::Resident>(), &fields);
    INFO(json.dump());
    REQUIRE(errors.empty());
    CHECK(CanonicalBytes(copy.getRoot<schema::Resident>().asReader()) == CanonicalBytes(r));

    // fields_set names exactly the keys present, ascending.
    std::vector<uint16_t> expected;
    for (auto field : capnp::Schema::from<schema::Resident>().getFields()) {
      if (json.contains(JsonKeyOf(field.getProto().getName()))) {
        expected.push_back(field.getProto().getOrdinal().getExplicit());
      }
    }
    CHECK(fields == expected);
  }
}

TEST_CASE("ResidentToJson writes snake_case keys and omits empty fields", "[record_json]") {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::Resident>();
  r.setCitizenNo("001085000123");
  r.setFullName("Nguyễn Văn An");
  r.initOtherNames(1).set(0, "Tèo");
  WritePartialDate({1985, 3, 7}, r.initBirthDate());
  r.setSex(schema::Sex::MALE);
  r.setEthnicity(1);
  r.setReligion("");  // empty: omitted
  r.setBloodType(schema::BloodType::AB);
  r.initPermanentResidence().setUnit("00004");
  r.initFather();  // empty struct: omitted
  r.initHousehold().setHeadCitizenNo("001060000001");
  r.setStatus(schema::LifeStatus::ALIVE);  // the default: omitted
  auto card = r.initCard();
  card.setStatus(schema::CardStatus::ISSUED);
  WritePartialDate({2024, 6, 0}, card.initIssuedOn());
  WritePartialDate({}, card.initExpiresOn());  // unknown: omitted

  CHECK(ResidentToJson(r.asReader()) == Json::parse(R"({
    "citizen_no": "001085000123",
    "full_name": "Nguyễn Văn An",
    "other_names": ["Tèo"],
    "birth_date": "1985-03-07",
    "sex": "male",
    "ethnicity": 1,
    "blood_type": "AB",
    "permanent_residence": {"unit": "00004"},
    "household": {"head_citizen_no": "001060000001"},
    "card": {"status": "issued", "issued_on": "2024-06"}
  })"));

  capnp::MallocMessageBuilder empty;
  CHECK(ResidentToJson(empty.initRoot<schema::Resident>().asReader()) == Json::object());
}

TEST_CASE("JsonKeyOf is the snake_case of the capnp name", "[record_json]") {
  CHECK(JsonKeyOf("id") == "id");
  CHECK(JsonKeyOf("citizenNo") == "citizen_no");
  CHECK(JsonKeyOf("birthRegistrationPlace") == "birth_registration_place");
  CHECK(JsonKeyOf("headCitizenNo") == "head_citizen_no");
}

TEST_CASE("ResidentFromJson sets the named fields, NFC, and lists their ordinals",
          "[record_json]") {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::Resident>();
  r.setReligion("Phật giáo");  // not named below: kept
  std::vector<uint16_t> fields;
  const FieldErrors errors = ResidentFromJson(Json::parse(R"({
    "sex": "female",
    "full_name": "Nguye\u0302\u0303n Thi\u0323 Ba",
    "citizen_no": "001185000123",
    "permanent_residence": {"unit": "00004", "address": "to\u0302\u0309 3"},
    "blood_type": "O",
    "ethnicity": 54
  })"),
                                              r, &fields);
  REQUIRE(errors.empty());
  CHECK(fields == std::vector<uint16_t>{1, 3, 6, 10, 14, 15});
  CHECK(std::string(r.getFullName().cStr()) == "Nguyễn Thị Ba");
  CHECK(std::string(r.getPermanentResidence().getAddress().cStr()) == "tổ 3");
  CHECK(r.getSex() == schema::Sex::FEMALE);
  CHECK(r.getBloodType() == schema::BloodType::O);
  CHECK(r.getEthnicity() == 54);
  CHECK(std::string(r.getReligion().cStr()) == "Phật giáo");
}

TEST_CASE("null, \"\", [] and {} set a field to empty (a null pointer)", "[record_json]") {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::Resident>();
  r.setFullName("Lò Văn Pản");
  WritePartialDate({1970, 0, 0}, r.initBirthDate());
  r.setReligion("Công giáo");
  r.initOtherNames(1).set(0, "Pản");
  r.initCard().setApplicationId("HS-1");
  r.setSex(schema::Sex::MALE);
  std::vector<uint16_t> fields;
  REQUIRE(ResidentFromJson(Json::parse(R"({"full_name": null, "birth_date": null,
      "religion": "", "other_names": [], "card": {"application_id": ""}, "sex": null})"),
                           r, &fields)
              .empty());
  CHECK(fields == std::vector<uint16_t>{3, 4, 5, 6, 11, 25});
  CHECK_FALSE(r.hasFullName());
  CHECK_FALSE(r.hasBirthDate());
  CHECK_FALSE(r.hasReligion());
  CHECK_FALSE(r.hasOtherNames());
  CHECK_FALSE(r.hasCard());
  CHECK(r.getSex() == schema::Sex::UNKNOWN);
}

TEST_CASE("ResidentFromJson reports every problem with its key path", "[record_json]") {
  CHECK(ErrorsOf(R"({
    "full_name": 5,
    "nickname": "Tèo",
    "ethnicity": "1",
    "sex": "other",
    "blood_type": "ab",
    "birth_date": "1985-13-01",
    "death_date": 1985,
    "other_names": ["Tèo", 1],
    "card": {"status": "lost", "foo": 1},
    "father": 5
  })") == FieldErrors{
              {"birth_date", "month 13 is not 1-12"},
              {"blood_type", "\"ab\" is not one of: unknown, A, B, AB, O"},
              {"card.foo", "is not a known field"},
              {"card.status", "\"lost\" is not one of: none, applied, produced, issued"},
              {"death_date", "must be a date string: YYYY, YYYY-MM or YYYY-MM-DD"},
              {"ethnicity", "must be an integer 0-255"},
              {"father", "must be a JSON object"},
              {"full_name", "must be a string"},
              {"nickname", "is not a known field"},
              {"other_names[1]", "must be a string"},
              {"sex", "\"other\" is not one of: unknown, male, female"},
          });
}

TEST_CASE("integers must be whole and in range", "[record_json]") {
  for (const char* text : {R"({"ethnicity": -1})", R"({"ethnicity": 256})", R"({"ethnicity": 1.5})",
                           R"({"ethnicity": true})"}) {
    CHECK(ErrorsOf(text) == FieldErrors{{"ethnicity", "must be an integer 0-255"}});
  }
  CHECK(ErrorsOf(Json{{"ethnicity", 7}}).empty());  // a signed integer in the DOM
}

TEST_CASE("the document must be an object and keys must be the snake_case names", "[record_json]") {
  CHECK(ErrorsOf("[1, 2]") == FieldErrors{{"", "must be a JSON object"}});
  CHECK(ErrorsOf(R"({"fullName": "A"})") == FieldErrors{{"fullName", "is not a known field"}});
  CHECK(ErrorsOf(R"({"other_names": "Tèo"})") ==
        FieldErrors{{"other_names", "must be an array of strings"}});
}

TEST_CASE("overlong strings and arrays are refused before they are copied", "[record_json]") {
  CHECK(ErrorsOf(Json{{"religion", std::string(2000, 'x')}}) ==
        FieldErrors{{"religion", "is 2000 bytes long; the limit is 1024"}});
  CHECK(ErrorsOf(Json{{"religion", std::string(kMaxJsonStringBytes, 'x')}}).empty());
  CHECK(ErrorsOf(Json{{"other_names", std::vector<std::string>(33, "A")}}) ==
        FieldErrors{{"other_names", "has 33 entries; the limit is 32"}});
}

TEST_CASE("strings of invalid UTF-8 are refused", "[record_json]") {
  Json json;
  json["full_name"] = std::string("Nguy\xE1\xBB");
  json["hometown"]["address"] = std::string("\xC0\xAF");
  CHECK(ErrorsOf(json) ==
        FieldErrors{{"full_name", "is not valid UTF-8 (ill-formed byte at offset 4)"},
                    {"hometown.address", "is not valid UTF-8 (ill-formed byte at offset 0)"}});
}

TEST_CASE("a rejected document changes nothing", "[record_json]") {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::Resident>();
  r.setFullName("Giữ Nguyên");
  const std::string before = CanonicalBytes(r.asReader());
  std::vector<uint16_t> fields = {99};
  const FieldErrors errors =
      ResidentFromJson(Json::parse(R"({"full_name": "Khác", "sex": "x"})"), r, &fields);
  CHECK(errors == FieldErrors{{"sex", "\"x\" is not one of: unknown, male, female"}});
  CHECK(CanonicalBytes(r.asReader()) == before);
  CHECK(fields == std::vector<uint16_t>{99});
}

TEST_CASE("ParseJsonLine turns malformed JSON into an error with the byte offset",
          "[record_json]") {
  Json json;
  FieldErrors errors = ParseJsonLine(R"({"full_name": "Lò Văn A", "sex": tru})", &json);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "");
  // The parser stops at the '}' after the bad literal.
  CHECK(errors[0].reason ==
        "malformed JSON at byte offset 38: syntax error while parsing value - invalid literal");
  CHECK_THAT(errors[0].reason, !Catch::Contains("tru") && !Catch::Contains("json.exception"));

  errors = ParseJsonLine("", &json);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].reason, Catch::StartsWith("malformed JSON at byte offset 0: "));

  errors = ParseJsonLine("{\"full_name\": \"L\xF2\"}", &json);  // Latin-1, not UTF-8
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].reason, Catch::Contains("UTF-8"));

  errors = ParseJsonLine(R"({"ethnicity": 1e999})", &json);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].reason, Catch::StartsWith("malformed JSON"));
}

TEST_CASE("ParseJsonLine refuses repeated keys and overlong lines", "[record_json]") {
  Json json;
  CHECK(ParseJsonLine(R"({"sex": "male", "sex": "female"})", &json) ==
        FieldErrors{{"", "repeats the key \"sex\""}});
  CHECK(ParseJsonLine(R"({"card": {"status": "applied", "status": "issued"}})", &json) ==
        FieldErrors{{"", "repeats the key \"status\""}});
  CHECK(ParseJsonLine(R"({"father": {"name": "A"}, "mother": {"name": "B"}})", &json).empty());
  CHECK(json["mother"]["name"] == "B");

  const std::string line = "{\"religion\": \"" + std::string(kMaxJsonLineBytes, 'x') + "\"}";
  CHECK(ParseJsonLine(line, &json) ==
        FieldErrors{{"", "is " + std::to_string(line.size()) + " bytes long; the limit is 65536"}});
}

}  // namespace
}  // namespace dancu::storage
