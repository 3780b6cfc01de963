// Demographic duplicates (storage/person_match.h, storage/person_summary.h): the blocking keys meet
// one-character typos, missing middle names and folded diacritics; the scorer separates a person
// registered twice (typos, a missing number, a partial date, swapped day and month) from other
// people of the same name and year; an operator's distinct_from keeps a pair apart.
#include <catch2/catch.hpp>

#include <algorithm>
#include <capnp/message.h>

#include "storage/person_match.h"
#include "storage/person_summary.h"

namespace dancu::storage {
namespace {

PersonSummary Person(std::string id, std::string name) {
  PersonSummary p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.birth = {1985, 3, 7};
  p.sex = 1;
  p.ethnicity = 1;
  p.citizen_no = "001085000123";
  p.father = "nguyen van binh";
  p.mother = "tran thi hoa";
  p.hometown = "00001";
  p.birth_registration = "00004";
  return p;
}

bool ShareBlock(const PersonSummary& a, const PersonSummary& b) {
  auto ka = PersonBlockKeys(a), kb = PersonBlockKeys(b);
  return std::any_of(ka.begin(), ka.end(), [&](const std::string& k) { return std::count(kb.begin(), kb.end(), k) > 0; });
}

TEST_CASE("one edit apart, and nothing further") {
  CHECK(WithinOneEdit("nguyen", "nguyen"));
  CHECK(WithinOneEdit("nguyen", "nguyan"));   // a letter wrong
  CHECK(WithinOneEdit("nguyen", "nguyn"));    // a letter missing
  CHECK(WithinOneEdit("nguyen", "nguyenn"));  // a letter added
  CHECK(WithinOneEdit("nguyen", "ngyuen"));   // two letters swapped
  CHECK(WithinOneEdit("", "a"));
  CHECK_FALSE(WithinOneEdit("nguyen", "ngyuan"));
  CHECK_FALSE(WithinOneEdit("nguyen", "nguy"));
  CHECK_FALSE(WithinOneEdit("ab", "ba c"));
}

TEST_CASE("the blocks meet typos in the family or given name and a middle name left out") {
  const PersonSummary a = Person("a", "nguyen van an");
  CHECK(ShareBlock(a, Person("b", "nguyen van an")));
  CHECK(ShareBlock(a, Person("b", "nguyen van ant")));    // given name, a letter added
  CHECK(ShareBlock(a, Person("b", "nguyen van n")));      // given name, a letter missing
  CHECK(ShareBlock(a, Person("b", "nguyen van en")));     // given name, a letter wrong
  CHECK(ShareBlock(a, Person("b", "ngyuen van an")));     // family name, letters swapped
  CHECK(ShareBlock(a, Person("b", "nguyen an")));         // no middle name
  CHECK(ShareBlock(a, Person("b", "nguyen vanh an")));    // middle name mistyped
  CHECK_FALSE(ShareBlock(a, Person("b", "nguyen van binh")));
  CHECK_FALSE(ShareBlock(a, Person("b", "tran van an")));
  PersonSummary other_year = Person("b", "nguyen van an");
  other_year.birth.year = 1986;
  CHECK_FALSE(ShareBlock(a, other_year));
  PersonSummary other_sex = Person("b", "nguyen van an");
  other_sex.sex = 2;
  CHECK_FALSE(ShareBlock(a, other_sex));
  // Keys are few and bounded by the names' letters; none without a name, year or sex.
  CHECK(PersonBlockKeys(a).size() <= 1 + 6 + 2);
  CHECK(PersonBlockKeys(Person("b", "")).empty());
  PersonSummary no_year = a;
  no_year.birth = {};
  CHECK(PersonBlockKeys(no_year).empty());
}

TEST_CASE("a person registered twice is likely one person; other people of the same name are not") {
  const PersonSummary a = Person("a", "nguyen van an");
  PersonSummary b = Person("b", "nguyen van anh");  // a letter added to the given name
  b.citizen_no.clear();                             // and no number yet
  CHECK(LikelySamePerson(a, b));
  CHECK(LikelySamePerson(b, a));

  PersonSummary swapped = Person("b", "nguyen van an");
  swapped.citizen_no = "001085000124";  // a digit mistyped
  swapped.birth = {1985, 7, 3};         // day and month swapped
  CHECK(LikelySamePerson(a, swapped));

  PersonSummary partial = Person("b", "nguyen an");  // middle name left out
  partial.birth = {1985, 0, 0};                      // only the year known
  partial.citizen_no.clear();
  CHECK(LikelySamePerson(a, partial));

  PersonSummary bare = Person("b", "nguyen van an");  // the same name and date, little else known
  bare.citizen_no.clear();
  bare.father.clear();
  bare.mother.clear();
  CHECK(LikelySamePerson(a, bare));

  // Another man of that name and year: other date, other parents, other hometown.
  PersonSummary namesake = Person("b", "nguyen van an");
  namesake.birth = {1985, 11, 20};
  namesake.citizen_no = "001085004567";
  namesake.father = "nguyen van tuan";
  namesake.mother = "le thi mai";
  namesake.hometown = "00118";
  CHECK_FALSE(LikelySamePerson(a, namesake));
  // Brothers born the same year (twins): other given names, the same parents and date.
  PersonSummary twin = Person("b", "nguyen van binh");
  twin.citizen_no = "001085000999";
  CHECK_FALSE(LikelySamePerson(a, twin));
  // One citizen number on two records is the duplicate_citizen_no case, not this one.
  CHECK_FALSE(LikelySamePerson(a, Person("b", "nguyen van an")));
  CHECK_FALSE(LikelySamePerson(a, a));
}

TEST_CASE("an operator's distinct_from keeps a pair apart, from either record") {
  const PersonSummary a = Person("a", "nguyen van an");
  PersonSummary b = Person("b", "nguyen van an");
  b.citizen_no.clear();
  REQUIRE(LikelySamePerson(a, b));
  PersonSummary a_marked = a;
  a_marked.distinct_from = {"x", "b"};
  CHECK_FALSE(LikelySamePerson(a_marked, b));
  CHECK_FALSE(LikelySamePerson(b, a_marked));
}

TEST_CASE("a summary folds the record and survives its encoding") {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::Resident>();
  r.setId("00aa-1");
  r.setFullName("Nguyễn Văn Ân");
  r.getBirthDate().setYear(1985);
  r.getBirthDate().setMonth(3);
  r.setSex(schema::Sex::MALE);
  r.getFather().setName("Nguyễn Văn Bình");
  r.getHometown().setUnit("00001");
  auto distinct = r.initDistinctFrom(2);
  distinct.set(0, "00bb-2");
  distinct.set(1, "00cc-3");
  const PersonSummary s = SummaryOf(r.asReader());
  CHECK(s.name == "nguyen van an");
  CHECK(s.father == "nguyen van binh");
  CHECK(s.mother.empty());
  CHECK(s.birth == PartialDateValue{1985, 3, 0});
  CHECK(s.distinct_from == std::vector<std::string>{"00bb-2", "00cc-3"});
  auto decoded = DecodeSummary(EncodeSummary(s));
  REQUIRE(decoded);
  CHECK(*decoded == s);
  CHECK_FALSE(DecodeSummary("p2\x1f" "x"));
  CHECK_FALSE(DecodeSummary(""));
  std::string bad_year = EncodeSummary(s);
  bad_year.replace(bad_year.find("1985"), 4, "19x5");
  CHECK_FALSE(DecodeSummary(bad_year));
}

}  // namespace
}  // namespace dancu::storage
