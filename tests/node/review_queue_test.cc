// The operators' views of replication (node/conflicts.h, node/peer_status.h, node/quarantine.h) on
// a certified tree of real nodes: the review queue with both values, a decision that settles a
// conflict wherever it replicates, what each peer still lacks, and the refused runs.
#include <catch2/catch.hpp>
#include <set>

#include "node/conflicts.h"
#include "node/peer_status.h"
#include "node/quarantine.h"
#include "tests/support/test_network.h"
#include "tests/support/test_node.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
using schema::Operation;

json Open(const node::Node& node, const std::string& record = "") {
  auto list = node::ListConflicts(node.store(), false, record);
  REQUIRE(list.ok());
  return *list;
}

// The district's operator, who decides its review queue.
const node::Officer kOperator{"officer.d", schema::OfficerRole::OPERATOR};

const node::PeerStatus& Peer(const std::vector<node::PeerStatus>& peers, uint64_t id) {
  for (const auto& p : peers) {
    if (p.node_id == id) return p;
  }
  FAIL("no status for node " << node::NodeIdHex(id));
  return peers.front();
}

TEST_CASE("the review queue shows both values, and a decision settles the conflict wherever it goes") {
  TestNetwork net;
  const std::string id = TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", ResidentIn("00715", 1)));
  net.Sync(net.commune_a(), net.district());
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Seo Phủ"}}, "officer.a"));
  TestNetwork::Add(net.district(), DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Xeo Páo"}}, "officer.d"));
  net.Sync(net.commune_a(), net.district());

  json queue = Open(net.district());
  REQUIRE(queue.size() == 1);
  const json& c = queue[0];
  CHECK(c["kind"] == "concurrent_edit");
  CHECK(c["field"] == "full_name");
  CHECK(c["open"] == true);
  const json& kept = c["sides"]["kept"];
  const json& other = c["sides"]["other"];
  CHECK(std::set<std::string>{kept["value"], other["value"]} == std::set<std::string>{"Vàng Seo Phủ", "Vàng Xeo Páo"});
  CHECK(std::set<std::string>{kept["officer"], other["officer"]} == std::set<std::string>{"officer.a", "officer.d"});
  CHECK(kept["version"] == c["kept"]);
  CHECK(Open(net.district(), id) == queue);
  CHECK(Open(net.district(), id + "x").empty());
  // The same id and values on both nodes (only the time each detected it differs).
  json at_commune = Open(net.commune_a());
  REQUIRE(at_commune.size() == 1);
  at_commune[0]["detected_at_ms"] = c["detected_at_ms"];
  CHECK(at_commune == queue);

  const std::string conflict = c["id"];
  CHECK(node::ResolvingDraft(net.district().store(), conflict, "neither", kOperator, true).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(node::ResolvingDraft(net.district().store(), "0123456789abcdef", "kept", kOperator, true).status().code() ==
        Status::Code::kNotFound);
  // An id is matched whole, not by its end.
  CHECK(node::ResolvingDraft(net.district().store(), conflict.substr(8), "kept", kOperator, true).status().code() ==
        Status::Code::kNotFound);

  // The district keeps the commune's spelling.
  const std::string keep = kept["value"] == "Vàng Seo Phủ" ? "kept" : "other";
  auto draft = node::ResolvingDraft(net.district().store(), conflict, keep, kOperator, true);
  REQUIRE(draft.ok());
  TestNetwork::Add(net.district(), std::move(draft.value()));
  CHECK(Open(net.district()).empty());
  auto all = node::ListConflicts(net.district().store(), true);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK((*all)[0]["open"] == false);
  CHECK((*all)[0].contains("resolved_by"));
  CHECK(node::ResolvingDraft(net.district().store(), conflict, keep, kOperator, true).status().code() ==
        Status::Code::kFailedPrecondition);

  net.Sync(net.commune_a(), net.district());
  CHECK(Open(net.commune_a()).empty());
  RequireVerifies(net.commune_a());
  RequireVerifies(net.district());
}

TEST_CASE("peer status counts the changes each peer lacks, from what it was last known to hold") {
  TestNetwork net;
  node::Node& district = net.district();
  const uint64_t a = net.commune_a().config().node_id, b = net.commune_b().config().node_id;
  std::string id;
  for (uint32_t i = 1; i <= 3; ++i) {
    id = TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", ResidentIn("00715", i)));
  }

  // Nothing has gone up yet: the commune's three changes wait for its parent.
  auto at_commune = node::PeerStatuses(net.commune_a(), {}, kTestNowMs);
  REQUIRE(at_commune.ok());
  REQUIRE(!at_commune->empty());
  const node::PeerStatus& parent = at_commune->front();
  CHECK(parent.is_parent);
  CHECK(parent.node_id == district.config().node_id);
  CHECK(parent.role == schema::Role::DISTRICT);
  CHECK(parent.backlog_changes == 3);
  CHECK(parent.backlog_origins == 1);
  CHECK_FALSE(parent.vector_known);

  net.Sync(net.commune_a(), district);
  at_commune = node::PeerStatuses(net.commune_a(), {}, kTestNowMs);
  REQUIRE(at_commune.ok());
  CHECK(at_commune->front().backlog_changes == 0);
  CHECK(at_commune->front().vector_known);

  // At the district: central lacks the commune's three changes; both communes it certified are
  // listed, the one that never synced too; a correction from the district reaches both communes'
  // scopes (changes from above travel whole).
  TestNetwork::Add(district, DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Seo Phủ"}}, "officer.d"));
  node::LinkStatus link;
  link.node_id = b;
  link.last_error = "connection cut";
  auto at_district = node::PeerStatuses(district, {link}, kTestNowMs);
  REQUIRE(at_district.ok());
  REQUIRE(at_district->size() == 3);
  CHECK(at_district->front().node_id == net.central().config().node_id);
  CHECK(at_district->front().backlog_changes == 4);
  CHECK(Peer(*at_district, a).backlog_changes == 1);
  CHECK(Peer(*at_district, a).vector_known);
  CHECK_FALSE(Peer(*at_district, a).link.has_value());
  const node::PeerStatus& silent = Peer(*at_district, b);
  CHECK(silent.unit == "00718");
  CHECK(silent.backlog_changes == 1);
  CHECK_FALSE(silent.vector_known);
  REQUIRE(silent.link.has_value());
  CHECK(silent.link->last_error == "connection cut");
}

TEST_CASE("the quarantine lists a refused run with its origin, seqs, source and reason") {
  TestNetwork net;
  for (uint32_t i = 1; i <= 2; ++i) {
    TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::CREATE, "", ResidentIn("00715", i)));
  }
  storage::IncomingRun run = OwnRun(net.commune_a(), 2, "peer forged-by-test");
  const uint64_t origin = run.origin;
  auto empty = node::ListQuarantine(net.district().store());
  REQUIRE(empty.ok());
  CHECK(empty->empty());

  run.checkpoint[run.checkpoint.size() - 5] ^= 0x01;  // a forged signature
  REQUIRE(net.district().store().Ingest(run, net.district().directory().Trust()).ok());
  auto listed = node::ListQuarantine(net.district().store());
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  const json& q = (*listed)[0];
  CHECK(q["origin"] == node::NodeIdHex(origin));
  CHECK(q["first_seq"] == 1);
  CHECK(q["last_seq"] == 2);
  CHECK(q["entries"] == 2);
  CHECK(q["source"] == "peer forged-by-test");
  CHECK_FALSE(q["reason"].get<std::string>().empty());
}

}  // namespace
}  // namespace dancu::testing
