// A chip card read that differs from the record, opened as a review case (node/card_case.h) on a
// certified tree of real nodes: what the case carries, that it replicates to the operators' queue,
// that bad cases are refused with nothing appended, and that an operator's decision closes it
// wherever it goes.
#include <catch2/catch.hpp>

#include "node/card_case.h"
#include "node/conflicts.h"
#include "node/resident_drafts.h"
#include "storage/canonical.h"
#include "storage/record_json.h"
#include "tests/support/test_network.h"
#include "tests/support/test_node.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
using schema::Operation;

const node::Officer kOperator{"officer.d", schema::OfficerRole::OPERATOR};

json RecordOf(const node::Node& node, const std::string& id) {
  auto bytes = node.store().GetRecord(id);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->has_value());
  auto state = storage::Parsed<schema::RecordState>::Parse(**bytes, "record");
  REQUIRE(state.ok());
  return storage::ResidentToJson(state->get().getResident());
}

json Open(const node::Node& node) {
  auto list = node::ListConflicts(node.store(), false);
  REQUIRE(list.ok());
  return *list;
}

const json kDifferences = json::parse(R"([
  {"field": "birth_date", "card": "07/03/1985", "record": "1985-07-03"},
  {"field": "mother", "card": "Trần Thị Cúc", "record": ""}])");

storage::Draft OpenDraft(const std::string& id, const json& differences) {
  auto values = node::OpenCardCaseValues(differences);
  REQUIRE(values.ok());
  node::DraftOrErrors built = node::MakeDraft(Operation::CARD_REVIEW, id, *values, "officer.a");
  REQUIRE(built.errors.empty());
  return std::move(built.draft);
}

TEST_CASE("card_case: a card that differs opens a case that reaches the operators and is closed there", "[card]") {
  TestNetwork net;
  const std::string id = TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", ResidentIn("00715", 1)));
  CHECK(Open(net.commune_a()).empty());
  TestNetwork::Add(net.commune_a(), OpenDraft(id, kDifferences));

  // At the commune, then at the district after a sync: one case with the card's differences.
  for (node::Node* node : {&net.commune_a(), &net.district()}) {
    if (node == &net.district()) net.Sync(net.commune_a(), net.district());
    json queue = Open(*node);
    REQUIRE(queue.size() == 1);
    CHECK(queue[0]["kind"] == "card_differs");
    CHECK(queue[0]["record"] == id);
    CHECK(queue[0]["review"] == true);
    CHECK(queue[0]["card"]["officer"] == "officer.a");
    CHECK(queue[0]["card"]["differences"] == kDifferences);
  }
  // The record says a case is open, and nothing else about the person changed.
  auto record = RecordOf(net.district(), id);
  CHECK(record["card_review"]["open"] == true);
  CHECK(record["birth_date"] == ResidentIn("00715", 1)["birth_date"]);

  const std::string conflict = Open(net.district())[0]["id"];
  CHECK(node::ResolvingDraft(net.district().store(), conflict, "kept", kOperator, true).status().code() ==
        Status::Code::kInvalidArgument);
  // A commune's officer may not decide it.
  CHECK(node::ResolvingDraft(net.commune_a().store(), conflict, "closed", {"officer.a", schema::OfficerRole::CHIEF},
                             false).status().code() == Status::Code::kPermissionDenied);
  auto close = node::ResolvingDraft(net.district().store(), conflict, "closed", kOperator, true);
  REQUIRE(close.ok());
  TestNetwork::Add(net.district(), std::move(close.value()));
  CHECK(Open(net.district()).empty());
  CHECK_FALSE(RecordOf(net.district(), id).value("card_review", json::object()).value("open", false));
  net.Sync(net.commune_a(), net.district());
  CHECK(Open(net.commune_a()).empty());
  RequireVerifies(net.commune_a());
  RequireVerifies(net.district());
}

TEST_CASE("card_case: a case without differences, or with what the card does not hold, is refused", "[card]") {
  CHECK(node::OpenCardCaseValues(json::array()).status().code() == Status::Code::kInvalidArgument);
  CHECK(node::OpenCardCaseValues(json()).status().code() == Status::Code::kInvalidArgument);
  CHECK(node::OpenCardCaseValues(json::parse(R"([{"field": "biometrics", "card": "x", "record": "y"}])"))
            .status().code() == Status::Code::kInvalidArgument);
  CHECK(node::OpenCardCaseValues(json::parse(R"([{"field": "birth_date", "card": 7, "record": "y"}])"))
            .status().code() == Status::Code::kInvalidArgument);
  // A face image smuggled in as an extra member is refused, not stored.
  CHECK(node::OpenCardCaseValues(json::parse(R"([{"field": "birth_date", "card": "a", "record": "b",
                                                  "face": "data:image/jpeg;base64,/9j/"}])"))
            .status().code() == Status::Code::kInvalidArgument);

  TestNetwork net;
  const std::string id = TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", ResidentIn("00715", 1)));
  const storage::StateDigest before = net.commune_a().store().state_digest();
  // Straight through MakeDraft: an open case with no differences, and a value too long.
  std::vector<storage::Draft> drafts;
  drafts.push_back(DraftFromJson(Operation::CARD_REVIEW, id, {{"card_review", {{"open", true}}}}));
  drafts.push_back(DraftFromJson(Operation::CARD_REVIEW, id, {{"card_review", {{"open", true}, {"differences",
      {{{"field", "full_name"}, {"card", std::string(401, 'a')}, {"record", "b"}}}}}}}));
  // Another operation may not set the case.
  node::DraftOrErrors update = node::MakeDraft(Operation::UPDATE, id, {{"card_review", {{"open", false}}}}, "officer.a");
  CHECK_FALSE(update.errors.empty());
  auto outcome = net.commune_a().Append(drafts);
  REQUIRE(outcome.ok());
  CHECK(outcome->accepted.empty());
  CHECK(outcome->rejected.size() == 2);
  CHECK(net.commune_a().store().state_digest() == before);
  CHECK(Open(net.commune_a()).empty());
}

}  // namespace
}  // namespace dancu::testing
