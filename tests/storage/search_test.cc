// Name search as officers type it: any case, diacritics optional, đ as d, an optional birth year.
#include <catch2/catch.hpp>

#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/name_fold.h"
#include "storage/search.h"
#include "tests/support/test_node.h"

namespace dancu::storage {
namespace {

using testing::DraftFromJson;
using testing::OpenStore;
using testing::TempDir;
using testing::ValidResident;

TEST_CASE("folding removes diacritics and case, maps đ to d, and collapses separators") {
  CHECK(FoldForSearch("Nguyễn Văn An") == "nguyen van an");
  CHECK(FoldForSearch("NGUYỄN  VĂN   AN") == "nguyen van an");
  CHECK(FoldForSearch("Đặng Thị Đào") == "dang thi dao");
  CHECK(FoldForSearch("  Hà-Nhì  ") == "ha nhi");
  // Decomposed input (NFD) folds like composed input.
  CHECK(FoldForSearch("Nguye\xcc\x82\xcc\x83n") == "nguyen");
}

TEST_CASE("a trailing four-digit token is a birth year") {
  auto q = ParseNameQuery("nguyen van an 1985");
  CHECK(q.folded == "nguyen van an");
  REQUIRE(q.year.has_value());
  CHECK(*q.year == 1985);
  CHECK_FALSE(ParseNameQuery("nguyen van an").year.has_value());
}

class SearchFixture {
 public:
  SearchFixture() : store_(OpenStore(dir_.Sub("db"))) {
    struct Person { const char* name; const char* born; };
    const Person people[] = {{"Nguyễn Văn An", "1985-03-07"}, {"Nguyễn Văn Ân", "1985-04-01"},
                             {"Nguyễn Văn Anh", "1985-05-05"}, {"Trần Văn An", "1985-01-01"},
                             {"Đặng Thị Đào", "1985-02-02"}};
    std::vector<Draft> drafts;
    uint32_t serial = 1;
    for (const auto& p : people) {
      nlohmann::json r = ValidResident(serial++, p.name);
      r["birth_date"] = p.born;
      r["household"] = {{"id", "HK-1"}, {"relationship", serial == 2 ? "head" : "other"}};
      if (std::string(p.name).find("Thị") != std::string::npos) {
        r["sex"] = "female";
        r["citizen_no"] = "001185000099";
      }
      drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", r));
    }
    for (const auto& id : testing::AppendAll(*store_, std::move(drafts), key_)) ids_.push_back(id);
  }

  std::vector<std::string> Names(const std::string& query, size_t limit = 20) {
    auto hits = SearchByName(*store_, query, limit);
    REQUIRE(hits.ok());
    std::vector<std::string> names;
    for (const auto& hit : *hits) {
      auto bytes = store_->GetRecord(hit.record_id);
      REQUIRE(bytes.ok());
      auto state = Parsed<schema::RecordState>::Parse(**bytes, "record");
      names.push_back(state->get().getResident().getFullName().cStr());
    }
    return names;
  }

  const Store& store() const { return *store_; }

 private:
  TempDir dir_;
  SigningKey key_ = SigningKey::Generate();
  std::unique_ptr<Store> store_;
  std::vector<std::string> ids_;
};

TEST_CASE("queries with and without diacritics, in any case, find the same people") {
  SearchFixture f;
  auto plain = f.Names("nguyen van an");
  REQUIRE(plain.size() == 2);
  CHECK(std::find(plain.begin(), plain.end(), "Nguyễn Văn An") != plain.end());
  CHECK(std::find(plain.begin(), plain.end(), "Nguyễn Văn Ân") != plain.end());
  // Diacritics typed exactly rank their own spelling first.
  CHECK(f.Names("NGUYỄN VĂN AN").front() == "Nguyễn Văn An");
  CHECK(f.Names("Nguyễn Văn Ân").front() == "Nguyễn Văn Ân");
  CHECK(f.Names("dang thi dao") == std::vector<std::string>{"Đặng Thị Đào"});
}

TEST_CASE("a birth year puts that year's people first") {
  SearchFixture f;
  CHECK(f.Names("nguyen van an 1985").size() == 2);
  CHECK(f.Names("nguyen van an 1900").size() == 2);  // other years still follow
}

TEST_CASE("given names and name prefixes match at word boundaries, ranked after full names") {
  SearchFixture f;
  auto given = f.Names("van an");
  CHECK(given.size() == 3);  // both Nguyễn Văn An/Ân and Trần Văn An, not Anh
  CHECK(std::find(given.begin(), given.end(), "Nguyễn Văn Anh") == given.end());
  auto prefix = f.Names("nguyen van");
  CHECK(prefix.size() == 3);
  CHECK(f.Names("nguyen van", 2).size() == 2);
  CHECK(f.Names("xyz").empty());
}

TEST_CASE("households and units list their residents") {
  SearchFixture f;
  auto household = ListHousehold(f.store(), "HK-1", 100);
  REQUIRE(household.ok());
  CHECK(household->size() == 5);
  auto unit = ListUnit(f.store(), "00001", 3);
  REQUIRE(unit.ok());
  CHECK(unit->size() == 3);
  auto none = ListUnit(f.store(), "00004", 100);
  REQUIRE(none.ok());
  CHECK(none->empty());
}

}  // namespace
}  // namespace dancu::storage
