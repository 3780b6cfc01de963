// Demographic duplicates at hubs (storage/person_duplicates.h, node/conflicts.h) on a certified
// tree of real nodes: one person registered in two communes, without a number the second time and
// with a typo in the name, reaches the district by replication and raises exactly one case, under
// both records, with the id every node gives it; central raises the same one; the district
// operator's "distinct" settles it there and, replicated, at central, and the pair is never raised
// again.
#include <catch2/catch.hpp>

#include "node/conflicts.h"
#include "storage/conflict_key.h"
#include "tests/support/test_network.h"
#include "tests/support/test_node.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
using schema::Operation;

const node::Officer kOperator{"officer.d", schema::OfficerRole::OPERATOR};

json Cases(const node::Node& node, bool all = false, const std::string& record = "") {
  auto list = node::ListConflicts(node.store(), all, record);
  REQUIRE(list.ok());
  json cases = json::array();
  for (const json& c : *list) {
    if (c["kind"] == "duplicate_person") cases.push_back(c);
  }
  return cases;
}

TEST_CASE("one person registered in two communes raises one case at the hubs; distinct settles it for good") {
  TestNetwork net;
  json first = ResidentIn("00715", 1, "Nguyễn Văn An");
  first["father"] = {{"name", "Nguyễn Văn Bình"}};
  json second = ResidentIn("00718", 2, "Nguyễn Văn Anh");  // a letter added
  second.erase("citizen_no");                              // no number the second time
  second["birth_date"] = "1985-07-03";                     // day and month swapped
  second["father"] = {{"name", "Nguyễn Văn Binh"}};
  // Another man of the name and year, with other parents and date: no case.
  json namesake = ResidentIn("00718", 3, "Nguyễn Văn An");
  namesake["birth_date"] = "1985-11-20";
  namesake["father"] = {{"name", "Lê Văn Tám"}};
  namesake["hometown"] = {{"unit", "00118"}};
  const std::string a = TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", first));
  const std::string b = TestNetwork::Add(net.commune_b(), DraftFromJson(Operation::CREATE, "", second));
  TestNetwork::Add(net.commune_b(), DraftFromJson(Operation::CREATE, "", namesake));
  CHECK(Cases(net.commune_b(), true).empty());  // a commune does not search

  net.Sync(net.commune_a(), net.district());
  net.Sync(net.commune_b(), net.district());
  const std::string id = storage::DuplicateCaseId(a, b, schema::ConflictKind::DUPLICATE_PERSON);
  json open = Cases(net.district());
  REQUIRE(open.size() == 1);
  CHECK(open[0]["id"] == id);
  CHECK(open[0]["review"] == true);
  CHECK(std::set<std::string>{open[0]["record"], open[0]["other_record"]} == std::set<std::string>{a, b});
  CHECK(Cases(net.district(), false, a).size() == 1);
  CHECK(Cases(net.district(), false, b).size() == 1);

  // A later change of either record does not raise the pair again.
  TestNetwork::Add(net.commune_b(), DraftFromJson(Operation::UPDATE, b, {{"religion", "Không"}}, "officer.b"));
  net.Sync(net.commune_b(), net.district());
  CHECK(Cases(net.district(), true).size() == 1);

  // Central, over the nation, names the case alike.
  net.Sync(net.district(), net.central());
  json at_central = Cases(net.central());
  REQUIRE(at_central.size() == 1);
  CHECK(at_central[0]["id"] == id);

  // The operator judges them two people.
  CHECK(node::ResolvingDraft(net.district().store(), id, "nobody", kOperator, true).status().code() ==
        Status::Code::kInvalidArgument);
  auto distinct = node::ResolvingDraft(net.district().store(), id, node::kDistinct, kOperator, true);
  REQUIRE(distinct.ok());
  TestNetwork::Add(net.district(), std::move(distinct.value()));
  CHECK(Cases(net.district()).empty());
  json all = Cases(net.district(), true);
  REQUIRE(all.size() == 1);
  CHECK(all[0]["open"] == false);

  // Changed again after the decision, neither record raises it anew, here or at central.
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::UPDATE, a, {{"religion", "Phật giáo"}}, "officer.a"));
  net.Sync(net.commune_a(), net.district());
  net.Sync(net.district(), net.central());
  CHECK(Cases(net.district()).empty());
  CHECK(Cases(net.district(), true).size() == 1);
  CHECK(Cases(net.central()).empty());
  CHECK(Cases(net.central(), true).size() == 1);
  RequireVerifies(net.district());
  RequireVerifies(net.central());
}

TEST_CASE("a merge settles a duplicate person at the hub") {
  TestNetwork net;
  json first = ResidentIn("00715", 1, "Trần Thị Hoa");
  first["sex"] = "female";
  first["citizen_no"] = "001185000001";
  json second = first;
  second.erase("citizen_no");
  second["full_name"] = "Trần Hoa";     // the middle name left out
  second["birth_date"] = "1985-07-03";  // day and month swapped
  const std::string a = TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", first));
  const std::string b = TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", second));
  net.Sync(net.commune_a(), net.district());
  json open = Cases(net.district());
  REQUIRE(open.size() == 1);
  auto merge = node::ResolvingDraft(net.district().store(), open[0]["id"], a, kOperator, true);
  REQUIRE(merge.ok());
  TestNetwork::Add(net.district(), std::move(merge.value()));
  CHECK(Cases(net.district()).empty());
  RequireVerifies(net.district());
}

}  // namespace
}  // namespace dancu::testing
