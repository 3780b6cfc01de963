// Replication between real nodes: sessions over in-memory frames, ingest with verification,
// authority, quarantine, conflicts and cuts mid-transfer.
#include <catch2/catch.hpp>

#include <random>

#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/ingest.capnp.h"
#include "storage/log_verify.h"
#include "storage/resident_fields.h"
#include "tests/support/test_network.h"

namespace dancu::testing {
namespace {

using schema::Operation;

std::vector<std::string> AddResidents(node::Node& node, const std::string& unit, uint32_t first, uint32_t count) {
  std::vector<std::string> ids;
  for (uint32_t i = 0; i < count; ++i) {
    ids.push_back(TestNetwork::Add(node, DraftFromJson(Operation::CREATE, "", ResidentIn(unit, first + i))));
  }
  return ids;
}

void RequireVerifies(const node::Node& node) {
  auto report = storage::VerifyStore(node.store(), node.KeyLookup());
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  CHECK(report->state_hash == node.store().state_digest().Digest());
}

size_t QuarantineSize(const node::Node& node) {
  size_t n = 0;
  REQUIRE(node.store().ScanQuarantine([&](std::string_view, std::string_view) { return ++n, true; }).ok());
  return n;
}

std::vector<std::string> OpenConflicts(const node::Node& node, bool review_only = true) {
  std::vector<std::string> ids;
  REQUIRE(node.store().ScanConflicts("", [&](std::string_view, std::string_view bytes) {
    auto c = storage::Parsed<schema::Conflict>::Parse(bytes, "conflict");
    REQUIRE(c.ok());
    if (c->get().getResolvedBy().getOrigin() == 0 && (!review_only || c->get().getReview())) {
      ids.push_back(c->get().getId().cStr());
    }
    return true;
  }).ok());
  return ids;
}

std::string Name(const node::Node& node, const std::string& id) {
  auto bytes = node.store().GetRecord(id);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->has_value());
  auto state = storage::Parsed<schema::RecordState>::Parse(**bytes, "record");
  REQUIRE(state.ok());
  return state->get().getResident().getFullName().cStr();
}

TEST_CASE("changes travel up the tree once, verified, and every node holds the same state") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 30);
  AddResidents(net.commune_b(), "00718", 100, 20);

  net.Sync(net.commune_a(), net.district());
  net.Sync(net.commune_b(), net.district());
  net.Sync(net.district(), net.central());

  const auto central_vv = net.central().store().version_vector();
  CHECK(central_vv.at(net.commune_a().config().node_id) == 30);
  CHECK(central_vv.at(net.commune_b().config().node_id) == 20);
  CHECK(net.central().store().state_digest().Digest() == net.district().store().state_digest().Digest());
  RequireVerifies(net.central());
  RequireVerifies(net.district());

  SECTION("a second sync applies nothing and changes nothing") {
    const auto before = net.central().store().state_digest().Digest();
    CHECK(net.Sync(net.district(), net.central()) == 1);
    CHECK(net.central().store().state_digest().Digest() == before);
    CHECK(net.central().store().version_vector() == central_vv);
  }
}

TEST_CASE("a link cut at random frames resumes and applies every change exactly once") {
  // Small segments (one batch each) so that cuts land mid-transfer.
  replication::CutOptions small;
  small.target_bytes = 1;
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u}) {
    TestNetwork net;
    AddResidents(net.commune_a(), "00715", 1, 25);
    std::mt19937 rng(seed);
    int sessions = net.Sync(net.commune_a(), net.district(), [&](int) { return rng() % 9 == 0; }, 500, small);
    INFO("seed " << seed << ", sessions " << sessions);
    CHECK(net.district().store().version_vector().at(net.commune_a().config().node_id) == 25);
    CHECK(net.district().store().state_digest().Digest() == net.commune_a().store().state_digest().Digest());
    RequireVerifies(net.district());
  }
}

TEST_CASE("a change outside its origin's authority is quarantined and changes nothing; the rest lands") {
  TestNetwork net;
  auto in_b = AddResidents(net.commune_b(), "00718", 200, 1);
  net.Sync(net.commune_b(), net.district());
  net.Sync(net.commune_a(), net.district());  // commune A now holds B's resident? no: not in its scope
  AddResidents(net.commune_a(), "00715", 1, 3);
  net.Sync(net.commune_a(), net.district());
  const auto digest = net.district().store().state_digest().Digest();

  // Commune A's store signs a change to B's record, bypassing its node's authority check (a
  // tampered laptop): the district must refuse it.
  auto key = net.commune_a().signing_key();
  REQUIRE(key.ok());
  std::vector<storage::Draft> forged;
  forged.push_back(DraftFromJson(Operation::CREATE, "", ResidentIn("00718", 300)));
  auto appended = net.commune_a().store().Append(forged, **key);
  REQUIRE(appended.ok());
  REQUIRE(appended->accepted.size() == 1);

  net.Sync(net.commune_a(), net.district());
  CHECK(QuarantineSize(net.district()) == 1);
  CHECK(net.district().store().state_digest().Digest() == digest);
  CHECK(net.district().store().version_vector().at(net.commune_a().config().node_id) == 3);
  RequireVerifies(net.district());
  (void)in_b;
}

TEST_CASE("a tampered run is refused whole, quarantined, and the store is unchanged") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 2);
  std::vector<std::string> entries;
  std::string checkpoint;
  const uint64_t origin = net.commune_a().config().node_id;
  REQUIRE(net.commune_a().store().ScanLogFrom(origin, 1, [&](uint64_t, uint64_t, std::string_view b) {
    entries.emplace_back(b);
    return true;
  }).ok());
  REQUIRE(net.commune_a().store().ScanCheckpointsFrom(origin, 2, [&](uint64_t, uint64_t, std::string_view b) {
    checkpoint = b;
    return false;
  }).ok());
  REQUIRE(entries.size() == 2);
  auto trust = net.district().directory().Trust();
  const auto digest = net.district().store().state_digest().Digest();

  SECTION("a flipped byte in an entry") {
    entries[0][entries[0].size() - 3] ^= 0x20;
  }
  SECTION("a flipped byte in the checkpoint's signature") {
    checkpoint[checkpoint.size() - 5] ^= 0x01;
  }
  SECTION("the entries reordered") {
    std::swap(entries[0], entries[1]);
  }
  storage::IncomingRun run{origin, 1, entries, checkpoint, "test"};
  auto outcome = net.district().store().Ingest(run, trust);
  REQUIRE(outcome.ok());
  CHECK(outcome->verdict == storage::IngestOutcome::Verdict::kRefused);
  CHECK(QuarantineSize(net.district()) == 1);
  CHECK(net.district().store().state_digest().Digest() == digest);
  CHECK(net.district().store().version_vector().count(origin) == 0);
}

TEST_CASE("ingest is idempotent, refuses a gap, and waits for unknown origins") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 1);
  AddResidents(net.commune_a(), "00715", 2, 1);
  const uint64_t origin = net.commune_a().config().node_id;
  std::vector<std::string> entries, checkpoints;
  REQUIRE(net.commune_a().store().ScanLogFrom(origin, 1, [&](uint64_t, uint64_t, std::string_view b) {
    entries.emplace_back(b);
    return true;
  }).ok());
  REQUIRE(net.commune_a().store().ScanCheckpointsFrom(origin, 1, [&](uint64_t, uint64_t, std::string_view b) {
    checkpoints.emplace_back(b);
    return true;
  }).ok());
  REQUIRE(checkpoints.size() == 2);
  storage::Store& district = net.district().store();
  auto trust = net.district().directory().Trust();
  using Verdict = storage::IngestOutcome::Verdict;

  storage::IncomingRun second{origin, 2, {entries[1]}, checkpoints[1], "test"};
  CHECK(district.Ingest(second, trust)->verdict == Verdict::kGap);
  storage::IncomingRun unknown{origin, 1, {entries[0]}, checkpoints[0], "test"};
  CHECK(district.Ingest(unknown, [](uint64_t) { return std::nullopt; })->verdict == Verdict::kNotReady);
  CHECK(QuarantineSize(net.district()) == 0);

  CHECK(district.Ingest(unknown, trust)->verdict == Verdict::kApplied);
  const auto digest = district.state_digest().Digest();
  CHECK(district.Ingest(unknown, trust)->verdict == Verdict::kDuplicate);
  CHECK(district.state_digest().Digest() == digest);
  // A run overlapping what is held applies only its new entries.
  storage::IncomingRun both{origin, 1, entries, checkpoints[1], "test"};
  auto outcome = district.Ingest(both, trust);
  CHECK(outcome->verdict == Verdict::kApplied);
  CHECK(outcome->applied == 1);
  CHECK(district.state_digest().Digest() == net.commune_a().store().state_digest().Digest());
}

TEST_CASE("concurrent edits converge to one value everywhere, go to review, and a resolution settles them") {
  TestNetwork net;
  auto ids = AddResidents(net.commune_a(), "00715", 1, 1);
  const std::string id = ids[0];
  net.Sync(net.commune_a(), net.district());

  // The commune and the district correct the same name without seeing each other's change.
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Seo Phủ"}}));
  TestNetwork::Add(net.district(), DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Xeo Páo"}}));
  net.Sync(net.commune_a(), net.district());
  CHECK(Name(net.commune_a(), id) == Name(net.district(), id));
  CHECK(net.commune_a().store().state_digest().Digest() == net.district().store().state_digest().Digest());
  auto at_district = OpenConflicts(net.district());
  auto at_commune = OpenConflicts(net.commune_a());
  REQUIRE(at_district.size() == 1);
  CHECK(at_commune == at_district);  // the same id on both nodes

  // The district decides: a change that has seen both settles the conflict on every node.
  TestNetwork::Add(net.district(), DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Seo Páo"}}));
  CHECK(OpenConflicts(net.district()).empty());
  net.Sync(net.commune_a(), net.district());
  CHECK(OpenConflicts(net.commune_a()).empty());
  CHECK(Name(net.commune_a(), id) == "Vàng Seo Páo");
  RequireVerifies(net.commune_a());
  RequireVerifies(net.district());
}

TEST_CASE("death is sticky: a concurrent plain update does not bring a resident back") {
  TestNetwork net;
  auto ids = AddResidents(net.commune_a(), "00715", 1, 1);
  const std::string id = ids[0];
  net.Sync(net.commune_a(), net.district());
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::RECORD_DEATH, id,
                                                  {{"status", "deceased"}, {"death_date", "2024-05-30"}}));
  // Later by the clock, but without having seen the death.
  TestNetwork::Add(net.district(), DraftFromJson(Operation::UPDATE, id, {{"status", "alive"}}));
  net.Sync(net.commune_a(), net.district());
  for (node::Node* n : {&net.commune_a(), &net.district()}) {
    auto bytes = n->store().GetRecord(id);
    auto state = storage::Parsed<schema::RecordState>::Parse(**bytes, "record");
    REQUIRE(state.ok());
    CHECK(state->get().getResident().getStatus() == schema::LifeStatus::DECEASED);
  }
  CHECK(net.commune_a().store().state_digest().Digest() == net.district().store().state_digest().Digest());
}

TEST_CASE("a correction from above reaches the commune that owns the record, and only there") {
  TestNetwork net;
  auto a_ids = AddResidents(net.commune_a(), "00715", 1, 2);
  AddResidents(net.commune_b(), "00718", 50, 2);
  net.Sync(net.commune_a(), net.district());
  net.Sync(net.commune_b(), net.district());
  net.Sync(net.district(), net.central());
  TestNetwork::Add(net.central(), DraftFromJson(Operation::UPDATE, a_ids[1], {{"religion", "Không"}}));
  net.Sync(net.district(), net.central());
  net.Sync(net.commune_a(), net.district());
  net.Sync(net.commune_b(), net.district());
  const uint64_t central_id = net.central().config().node_id;
  CHECK(net.commune_a().store().version_vector().count(central_id) == 1);
  CHECK(net.commune_a().store().state_digest().Digest() != net.commune_b().store().state_digest().Digest());
  // Commune B holds nothing of commune A.
  CHECK(net.commune_b().store().version_vector().count(net.commune_a().config().node_id) == 0);
  RequireVerifies(net.commune_a());
}

}  // namespace
}  // namespace dancu::testing
