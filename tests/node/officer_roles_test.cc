// Officer roles (storage/officer_role.h, node/officers.h) on a certified tree of real nodes: roles
// per kind of node, who may decide the review queue, and a commune's forged decision refused on
// ingest at its district, changing nothing there.
#include <catch2/catch.hpp>

#include "node/conflicts.h"
#include "node/officers.h"
#include "tests/support/test_network.h"
#include "tests/support/test_node.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
using schema::Operation;
using schema::OfficerRole;

json Open(const node::Node& node) {
  auto list = node::ListConflicts(node.store(), false);
  REQUIRE(list.ok());
  return *list;
}

// A record of commune A whose name the commune and the district corrected concurrently: one
// conflict in both queues. Returns the record id.
std::string ConflictOnName(TestNetwork& net) {
  const std::string id = TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", ResidentIn("00715", 1)));
  net.Sync(net.commune_a(), net.district());
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Seo Phủ"}}, "officer.a"));
  TestNetwork::Add(net.district(), DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Xeo Páo"}}, "officer.d"));
  net.Sync(net.commune_a(), net.district());
  REQUIRE(Open(net.district()).size() == 1);
  REQUIRE(Open(net.commune_a()).size() == 1);
  return id;
}

TEST_CASE("an officer's role is one its node has; an account without a role is a clerk") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  CHECK(node::AddOfficer(*store, {"chief.an", OfficerRole::CHIEF}, "mật khẩu dài", false).ok());
  CHECK(node::AddOfficer(*store, {"op.an", OfficerRole::OPERATOR}, "mật khẩu dài", false).code() ==
        Status::Code::kInvalidArgument);  // a commune has no operators
  CHECK(node::AddOfficer(*store, {"op.binh", OfficerRole::OPERATOR}, "mật khẩu dài", true).ok());
  CHECK(node::AddOfficer(*store, {"chief.binh", OfficerRole::CHIEF}, "mật khẩu dài", true).code() ==
        Status::Code::kInvalidArgument);  // nor a hub chiefs
  // An account made before roles: its hash only.
  REQUIRE(store->PutMeta("officer/old.timer", "$argon2id$v=19$m=19456,t=2,p=1$not-a-real-hash").ok());
  auto officers = node::ListOfficers(*store);
  REQUIRE(officers.ok());
  std::map<std::string, OfficerRole> roles;
  for (const node::Officer& o : *officers) roles[o.name] = o.role;
  CHECK(roles == std::map<std::string, OfficerRole>{
                     {"chief.an", OfficerRole::CHIEF}, {"op.binh", OfficerRole::OPERATOR}, {"old.timer", OfficerRole::CLERK}});
  CHECK(node::CheckMayManageOfficers({"chief.an", OfficerRole::CHIEF}).ok());
  CHECK(node::CheckMayManageOfficers({"old.timer", OfficerRole::CLERK}).code() == Status::Code::kPermissionDenied);
}

TEST_CASE("only an operator of the record's hub decides its review; a clerk's or a commune's change leaves it open") {
  TestNetwork net;
  const std::string id = ConflictOnName(net);
  const std::string conflict = Open(net.district())[0]["id"];

  // A clerk of the district, the commune's chief, or a commune officer claiming to be an operator.
  CHECK(node::ResolvingDraft(net.district().store(), conflict, "kept", {"clerk.d", OfficerRole::CLERK}, true)
            .status()
            .code() == Status::Code::kPermissionDenied);
  CHECK(node::ResolvingDraft(net.commune_a().store(), conflict, "kept", {"chief.a", OfficerRole::CHIEF}, false)
            .status()
            .code() == Status::Code::kPermissionDenied);
  std::vector<storage::Draft> claimed;
  claimed.push_back(DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Seo Pà"}}, "chief.a", OfficerRole::OPERATOR));
  const auto head = net.commune_a().store().version_vector();
  CHECK(net.commune_a().Append(claimed).status().code() == Status::Code::kPermissionDenied);
  CHECK(net.commune_a().store().version_vector() == head);  // nothing appended

  // The commune's chief corrects the name again, having seen both: an ordinary change, no decision.
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Seo Pà"}}, "chief.a",
                                                  OfficerRole::CHIEF));
  CHECK(Open(net.commune_a()).size() == 1);
  net.Sync(net.commune_a(), net.district());
  CHECK(Open(net.district()).size() == 1);

  // The district's operator decides, and the decision settles the queue on both nodes.
  auto draft = node::ResolvingDraft(net.district().store(), conflict, "kept", {"op.d", OfficerRole::OPERATOR}, true);
  REQUIRE(draft.ok());
  TestNetwork::Add(net.district(), std::move(draft.value()));
  CHECK(Open(net.district()).empty());
  net.Sync(net.commune_a(), net.district());
  CHECK(Open(net.commune_a()).empty());
  RequireVerifies(net.district());
}

TEST_CASE("a commune's decision, forged into a signed change, is refused on ingest at the district and changes nothing") {
  TestNetwork net;
  const std::string id = ConflictOnName(net);
  const json queue = Open(net.district());
  const auto digest = net.district().store().state_digest().Digest();
  const uint64_t held = net.district().store().version_vector().at(net.commune_a().config().node_id);

  // A tampered laptop: the commune's store signs an "operator's" decision, bypassing its node.
  auto key = net.commune_a().signing_key();
  REQUIRE(key.ok());
  std::vector<storage::Draft> forged;
  forged.push_back(DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Seo Phủ"}}, "chief.a", OfficerRole::OPERATOR));
  auto appended = net.commune_a().store().Append(forged, **key);
  REQUIRE(appended.ok());
  REQUIRE(appended->accepted.size() == 1);

  net.Sync(net.commune_a(), net.district());
  CHECK(QuarantineSize(net.district()) == 1);
  CHECK(Open(net.district()) == queue);  // the conflict is still open
  CHECK(net.district().store().state_digest().Digest() == digest);
  CHECK(net.district().store().version_vector().at(net.commune_a().config().node_id) == held);
  RequireVerifies(net.district());
}

TEST_CASE("a merge of duplicates by a commune's clerk is refused on ingest; its chief's is taken in") {
  TestNetwork net;
  const std::string a = TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", ResidentIn("00715", 1)));
  const std::string b = TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", ResidentIn("00715", 2)));
  net.Sync(net.commune_a(), net.district());
  const auto digest = net.district().store().state_digest().Digest();
  auto key = net.commune_a().signing_key();
  REQUIRE(key.ok());
  auto merge_by = [&](const std::string& officer, OfficerRole role) {
    std::vector<storage::Draft> drafts;
    drafts.push_back(DraftFromJson(Operation::MERGE_DUPLICATE, b, {{"merged_into", a}}, officer, role));
    return drafts;
  };
  auto by_clerk = merge_by("clerk.a", OfficerRole::CLERK);
  CHECK(net.commune_a().Append(by_clerk).status().code() == Status::Code::kPermissionDenied);
  // Past its node, as a tampered laptop would: signed, but the role does not allow it.
  auto forged = merge_by("clerk.a", OfficerRole::CLERK);
  REQUIRE(net.commune_a().store().Append(forged, **key).ok());
  net.Sync(net.commune_a(), net.district());
  CHECK(QuarantineSize(net.district()) == 1);
  CHECK(net.district().store().state_digest().Digest() == digest);

  // The chief's merge of the commune's own residents is the commune's decision.
  TestNetwork clean;
  const std::string x = TestNetwork::Add(clean.commune_a(), DraftFromJson(Operation::CREATE, "", ResidentIn("00715", 1)));
  const std::string y = TestNetwork::Add(clean.commune_a(), DraftFromJson(Operation::CREATE, "", ResidentIn("00715", 2)));
  std::vector<storage::Draft> chief;
  chief.push_back(DraftFromJson(Operation::MERGE_DUPLICATE, y, {{"merged_into", x}}, "chief.a", OfficerRole::CHIEF));
  REQUIRE(clean.commune_a().Append(chief).ok());
  clean.Sync(clean.commune_a(), clean.district());
  CHECK(QuarantineSize(clean.district()) == 0);
  CHECK(clean.district().store().state_digest().Digest() == clean.commune_a().store().state_digest().Digest());
}

}  // namespace
}  // namespace dancu::testing
