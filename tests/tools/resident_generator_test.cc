#include "tools/gen/resident_generator.h"

#include <capnp/message.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "storage/record_json.h"
#include "storage/validation.h"

namespace dancu::tools {
namespace {

using schema::Relationship;
using schema::Sex;
using storage::FieldErrors;
using storage::PartialDateValue;

constexpr PartialDateValue kToday{2025, 11, 22};
constexpr PartialDateValue kBeforeReform{2024, 6, 1};

GeneratorOptions Options(std::string unit, uint64_t count, uint64_t seed,
                         double invalid_share = 0, PartialDateValue today = kToday) {
  GeneratorOptions options;
  options.unit = std::move(unit);
  options.count = count;
  options.seed = seed;
  options.invalid_share = invalid_share;
  options.today = today;
  return options;
}

std::string Generate(const GeneratorOptions& options, std::vector<Defect>* defects = nullptr) {
  std::ostringstream out;
  const Status status = WriteResidents(options, out, defects);
  REQUIRE(status.ok());
  return out.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string Describe(const FieldErrors& errors) {
  std::string text;
  for (const storage::FieldError& error : errors) text += error.field + ": " + error.reason + "; ";
  return text;
}

// One line read back as `dancu import` reads it: parsed, converted and validated.
class ReadBack {
 public:
  ReadBack(const std::string& line, PartialDateValue today) {
    nlohmann::json json;
    errors_ = storage::ParseJsonLine(line, &json);
    if (errors_.empty()) {
      errors_ = storage::ResidentFromJson(json, message_.initRoot<schema::Resident>(), nullptr);
    }
    if (errors_.empty()) errors_ = storage::Validate(record(), today);
  }

  bool valid() const { return errors_.empty(); }
  const FieldErrors& errors() const { return errors_; }
  schema::Resident::Reader record() { return message_.getRoot<schema::Resident>().asReader(); }

 private:
  capnp::MallocMessageBuilder message_;
  FieldErrors errors_;
};

std::string Text(capnp::Text::Reader text) { return {text.cStr(), text.size()}; }

std::string FamilyName(schema::Resident::Reader r) {
  const std::string name = Text(r.getFullName());
  return name.substr(0, name.find(' '));
}

// 20,000 clean residents of Phường Ba Đình (Hà Nội), read back once for the tests that count.
std::vector<std::unique_ptr<ReadBack>>& LargeRun() {
  static std::vector<std::unique_ptr<ReadBack>> run = [] {
    std::vector<std::unique_ptr<ReadBack>> records;
    for (const std::string& line : Lines(Generate(Options("00004", 20'000, 2025)))) {
      records.push_back(std::make_unique<ReadBack>(line, kToday));
    }
    return records;
  }();
  return run;
}

TEST_CASE("the same options give the same bytes, another seed other bytes") {
  const std::string first = Generate(Options("00004", 1000, 7, 0.1));
  CHECK(first == Generate(Options("00004", 1000, 7, 0.1)));
  CHECK(first != Generate(Options("00004", 1000, 8, 0.1)));
  CHECK(Lines(first).size() == 1000);
}

TEST_CASE("every line of a clean run is a valid resident") {
  const auto [unit, today] = GENERATE(table<std::string, PartialDateValue>({
      {"00004", kToday},          // Phường Ba Đình, Hà Nội (2025)
      {"00004", kBeforeReform},   // Phường Trúc Bạch, Hà Nội (2023)
      {"00715", kToday},          // Xã Lũng Cú, Tuyên Quang (2025; Hà Giang before)
      {"31834", kToday},          // Phường Vĩnh Trạch, Cà Mau (2025)
      {"11948", kToday},          // Đặc khu Bạch Long Vĩ, Hải Phòng (2025; a district before)
  }));
  const std::vector<std::string> lines = Lines(Generate(Options(unit, 2000, 11, 0, today)));
  REQUIRE(lines.size() == 2000);
  size_t invalid = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    ReadBack line(lines[i], today);
    if (line.valid()) continue;
    ++invalid;
    INFO("unit " << unit << ", line " << i + 1 << ": " << lines[i]);
    FAIL_CHECK(Describe(line.errors()));
  }
  CHECK(invalid == 0);
}

TEST_CASE("the rejected lines are exactly those given a defect") {
  std::vector<Defect> defects;
  const std::vector<std::string> lines =
      Lines(Generate(Options("00004", 2000, 99, 0.2), &defects));
  REQUIRE(lines.size() == 2000);
  REQUIRE(defects.size() == 2000);
  size_t rejected = 0;
  std::map<Defect, size_t> rejected_by_kind;
  for (size_t i = 0; i < lines.size(); ++i) {
    ReadBack line(lines[i], kToday);
    INFO("line " << i + 1 << " (" << DefectName(defects[i]) << "): " << lines[i] << "\n"
                 << Describe(line.errors()));
    CHECK(line.valid() == (defects[i] == Defect::kNone));
    if (!line.valid()) {
      ++rejected;
      ++rejected_by_kind[defects[i]];
    }
  }
  CHECK(std::abs(static_cast<double>(rejected) - 400) <= 40);
  for (unsigned kind = 1; kind <= kDefectKinds; ++kind) {
    INFO(DefectName(static_cast<Defect>(kind)));
    CHECK(rejected_by_kind[static_cast<Defect>(kind)] > 0);
  }
}

TEST_CASE("family names follow their national frequencies") {
  std::map<std::string, double> share;
  for (auto& line : LargeRun()) {
    REQUIRE(line->valid());
    share[FamilyName(line->record())] += 100.0 / static_cast<double>(LargeRun().size());
  }
  const std::map<std::string, double> targets = {
      {"Nguyễn", 38}, {"Trần", 11}, {"Lê", 9.5}, {"Phạm", 7}, {"Hoàng", 5},
      {"Phan", 4.5},  {"Vũ", 4},    {"Đặng", 2}, {"Bùi", 2}};
  for (const auto& [name, target] : targets) {
    INFO(name << ": " << share[name] << "% against " << target << "%");
    CHECK(std::abs(share[name] - target) <= std::max(1.0, 0.1 * target));
  }
  for (const char* name : {"Đỗ", "Hồ", "Ngô", "Dương", "Lý"}) {
    INFO(name);
    CHECK(share[name] > 0);
  }
  CHECK(share["Huỳnh"] == 0);  // the southern spellings stay in the south
  CHECK(share["Võ"] == 0);
}

TEST_CASE("in the south, Hoàng and Vũ are spelled Huỳnh and Võ") {
  std::map<std::string, int> count;
  for (const std::string& text : Lines(Generate(Options("31834", 3000, 5)))) {
    ReadBack line(text, kToday);
    REQUIRE(line.valid());
    ++count[FamilyName(line.record())];
  }
  CHECK(count["Huỳnh"] > 0);
  CHECK(count["Võ"] > 0);
  CHECK(count["Hoàng"] == 0);
  CHECK(count["Vũ"] == 0);
}

TEST_CASE("citizen numbers are unique and name the province of birth registration") {
  std::set<std::string> numbers;
  size_t numbered = 0;
  size_t hanoi = 0;
  for (auto& line : LargeRun()) {
    const std::string number = Text(line->record().getCitizenNo());
    if (number.empty()) continue;
    ++numbered;
    numbers.insert(number);
    if (number.starts_with("001")) ++hanoi;
  }
  CHECK(numbers.size() == numbered);
  CHECK(static_cast<double>(hanoi) > 0.7 * static_cast<double>(numbered));

  // A 2025 commune's births were registered in the province of its 2023 predecessor.
  size_t ha_giang = 0;
  const std::vector<std::string> lines = Lines(Generate(Options("00715", 2000, 3)));
  for (const std::string& text : lines) {
    ReadBack line(text, kToday);
    REQUIRE(line.valid());
    if (Text(line.record().getCitizenNo()).starts_with("002")) ++ha_giang;
  }
  CHECK(ha_giang > lines.size() * 7 / 10);
}

TEST_CASE("households hold together") {
  struct Household {
    std::vector<schema::Resident::Reader> members;
  };
  std::map<std::string, Household> households;
  for (auto& line : LargeRun()) {
    const schema::Resident::Reader r = line->record();
    REQUIRE(r.hasHousehold());
    households[Text(r.getHousehold().getId())].members.push_back(r);
  }
  std::map<size_t, size_t> sizes;
  for (const auto& [id, household] : households) {
    INFO("household " << id);
    const auto& members = household.members;
    ++sizes[members.size()];
    CHECK(members.size() <= 7);
    REQUIRE(members.front().getHousehold().getRelationship() == Relationship::HEAD);
    const schema::Resident::Reader head = members.front();
    std::map<std::string, schema::Resident::Reader> by_number;
    for (const auto& member : members) by_number.emplace(Text(member.getCitizenNo()), member);
    size_t heads = 0;
    for (const auto& member : members) {
      heads += member.getHousehold().getRelationship() == Relationship::HEAD;
      CHECK(Text(member.getHousehold().getHeadCitizenNo()) == Text(head.getCitizenNo()));
      CHECK(Text(member.getPermanentResidence().getUnit()) == "00004");
      CHECK(Text(member.getPermanentResidence().getAddress()) ==
            Text(head.getPermanentResidence().getAddress()));
      CHECK(Text(member.getPermanentResidence().getAddress()).ends_with(", Phường Ba Đình"));
      if (member.hasFather()) {
        const auto father = by_number.find(Text(member.getFather().getCitizenNo()));
        REQUIRE(father != by_number.end());
        CHECK(father->second.getSex() == Sex::MALE);
        CHECK(FamilyName(member) == FamilyName(father->second));
      }
      if (member.hasMother()) {
        const auto mother = by_number.find(Text(member.getMother().getCitizenNo()));
        REQUIRE(mother != by_number.end());
        CHECK(mother->second.getSex() == Sex::FEMALE);
      }
      if (member.hasSpouse()) {
        const auto spouse = by_number.find(Text(member.getSpouse().getCitizenNo()));
        REQUIRE(spouse != by_number.end());
        CHECK(spouse->second.getSex() != member.getSex());
        CHECK(Text(spouse->second.getSpouse().getCitizenNo()) == Text(member.getCitizenNo()));
      }
    }
    CHECK(heads == 1);
  }
  for (size_t size = 1; size <= 7; ++size) {
    INFO("households of " << size);
    CHECK(sizes[size] > 0);
  }
}

TEST_CASE("a large run looks like Vietnam") {
  const double n = static_cast<double>(LargeRun().size());
  double partial = 0, unnumbered = 0, deceased = 0, kinh = 0, children = 0, elderly = 0,
         married_minors = 0, cards = 0;
  for (auto& line : LargeRun()) {
    const schema::Resident::Reader r = line->record();
    const PartialDateValue birth = storage::ReadPartialDate(r.getBirthDate());
    const int age = kToday.year - birth.year;
    partial += !birth.complete();
    unnumbered += !r.hasCitizenNo();
    deceased += r.getStatus() == schema::LifeStatus::DECEASED;
    kinh += r.getEthnicity() == 1;
    children += age < 15;
    elderly += age >= 60;
    married_minors += age < 18 && r.getMaritalStatus() != schema::MaritalStatus::SINGLE;
    cards += r.getCard().getStatus() != schema::CardStatus::NONE;
    if (!birth.complete()) CHECK(birth.year < 1960);
    if (!r.hasCitizenNo()) CHECK(age <= 3);
  }
  CHECK(partial / n == Approx(0.03).margin(0.015));
  CHECK(unnumbered / n == Approx(0.02).margin(0.01));
  CHECK(deceased / n == Approx(0.015).margin(0.007));
  CHECK(kinh / n == 1.0);  // Hà Nội: no minority households in the model
  CHECK(children / n == Approx(0.22).margin(0.06));
  CHECK(elderly / n == Approx(0.14).margin(0.05));
  CHECK(married_minors == 0);
  CHECK(cards / n == Approx(0.35).margin(0.15));
}

TEST_CASE("northern mountain communes are home to minorities") {
  std::map<unsigned, int> groups;
  for (const std::string& text : Lines(Generate(Options("00715", 3000, 17)))) {
    ReadBack line(text, kToday);
    REQUIRE(line.valid());
    ++groups[line.record().getEthnicity()];
  }
  CHECK(groups[1] < 3000 / 3);  // Kinh: a minority in Hà Giang
  CHECK(groups[8] > 3000 / 5);  // Hmông
  CHECK(groups[2] > 0);         // Tày
  CHECK(groups[9] > 0);         // Dao
}

TEST_CASE("a code of both eras is read in the era in force on today") {
  const std::string after = Lines(Generate(Options("00004", 1, 1))).front();
  const std::string before = Lines(Generate(Options("00004", 1, 1, 0, kBeforeReform))).front();
  CHECK(after.find("Phường Ba Đình") != std::string::npos);
  CHECK(before.find("Phường Trúc Bạch") != std::string::npos);
}

TEST_CASE("bad options are refused and nothing is written") {
  const auto refused = [](const GeneratorOptions& options) {
    std::ostringstream out;
    const Status status = WriteResidents(options, out);
    CHECK(out.str().empty());
    return status.code();
  };
  constexpr auto kInvalid = Status::Code::kInvalidArgument;
  CHECK(refused(Options("99999", 10, 1)) == kInvalid);  // no such unit
  CHECK(refused(Options("01", 10, 1)) == kInvalid);     // a province
  CHECK(refused(Options("001", 10, 1)) == kInvalid);    // a district
  CHECK(refused(Options("00004", 10, 1, -0.1)) == kInvalid);
  CHECK(refused(Options("00004", 10, 1, 1.5)) == kInvalid);
  CHECK(refused(Options("00004", 10, 1, std::numeric_limits<double>::quiet_NaN())) == kInvalid);
  CHECK(refused(Options("00004", kMaxGeneratedResidents + 1, 1)) == kInvalid);
  CHECK(refused(Options("00004", 10, 1, 0, {2025, 11, 0})) == kInvalid);
  CHECK(refused(Options("00004", 10, 1, 0, {2025, 2, 30})) == kInvalid);
}

TEST_CASE("every line can be a defect, and none need be") {
  std::vector<Defect> defects;
  const std::vector<std::string> lines = Lines(Generate(Options("00004", 300, 4, 1), &defects));
  REQUIRE(lines.size() == 300);
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO(DefectName(defects[i]) << ": " << lines[i]);
    CHECK(defects[i] != Defect::kNone);
    CHECK_FALSE(ReadBack(lines[i], kToday).valid());
  }
  CHECK(Generate(Options("00004", 0, 4)).empty());
}



TEST_CASE("planted duplicates are valid residents that register an earlier clean line again") {
  GeneratorOptions options = Options("00004", 2000, 5, 0.05);
  options.duplicate_share = 0.1;
  std::ostringstream out;
  std::vector<Defect> defects;
  std::vector<int64_t> duplicate_of;
  REQUIRE(WriteResidents(options, out, &defects, &duplicate_of).ok());
  const std::vector<std::string> lines = Lines(out.str());
  REQUIRE(lines.size() == 2000);
  REQUIRE(duplicate_of.size() == 2000);
  size_t planted = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (duplicate_of[i] < 0) continue;
    ++planted;
    const auto original = static_cast<size_t>(duplicate_of[i]);
    REQUIRE(original < i);
    CHECK(defects[original] == Defect::kNone);
    CHECK(defects[i] == Defect::kNone);
    ReadBack copy(lines[i], kToday);
    INFO("line " << i + 1 << ": " << lines[i]);
    CHECK(copy.valid());
    const auto a = nlohmann::json::parse(lines[original]), b = nlohmann::json::parse(lines[i]);
    CHECK(a != b);
    CHECK(a["sex"] == b["sex"]);
    CHECK(a["birth_date"].get<std::string>().substr(0, 4) == b["birth_date"].get<std::string>().substr(0, 4));
    CHECK_FALSE(b.contains("household"));
    if (a.contains("citizen_no") && b.contains("citizen_no")) CHECK(a["citizen_no"] != b["citizen_no"]);
  }
  CHECK(planted == 200);
  // With no duplicates asked for, the bytes are those of a run without the option.
  GeneratorOptions none = Options("00004", 500, 5, 0.05);
  std::ostringstream plain;
  std::vector<int64_t> none_of;
  REQUIRE(WriteResidents(none, plain, nullptr, &none_of).ok());
  CHECK(plain.str() == Generate(Options("00004", 500, 5, 0.05)));
  CHECK(std::count(none_of.begin(), none_of.end(), -1) == 500);

  options.duplicate_share = 1.5;
  std::ostringstream refused;
  CHECK(WriteResidents(options, refused).code() == Status::Code::kInvalidArgument);
  options.duplicate_share = 0.96;  // with 5 % invalid: more than every line
  CHECK(WriteResidents(options, refused).code() == Status::Code::kInvalidArgument);
  CHECK(refused.str().empty());
}

}  // namespace
}  // namespace dancu::tools
