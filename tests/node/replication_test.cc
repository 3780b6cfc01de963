// Replication between real nodes: sessions over in-memory frames, ingest with verification,
// authority, quarantine, conflicts and cuts mid-transfer.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "node/leases.h"
#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/ingest.capnp.h"
#include "storage/hlc.h"
#include "storage/log_verify.h"
#include "storage/record_fold.h"
#include "storage/report.h"
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


// The open conflicts but demographic duplicates: the residents here share one name, birth date and
// hometown, which a hub rightly takes for one person (tests/node/duplicate_person_test.cc).
std::vector<std::string> OpenConflicts(const node::Node& node, bool review_only = true) {
  std::vector<std::string> ids;
  REQUIRE(node.store().ScanConflicts("", [&](std::string_view, std::string_view bytes) {
    auto c = storage::Parsed<schema::Conflict>::Parse(bytes, "conflict");
    REQUIRE(c.ok());
    if (c->get().getKind() == schema::ConflictKind::DUPLICATE_PERSON) return true;
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
  storage::IncomingRun run = OwnRun(net.commune_a(), 2, "test");
  const uint64_t origin = run.origin;
  std::vector<std::string>& entries = run.entries;
  std::string& checkpoint = run.checkpoint;
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

  auto proof = [&](uint64_t first, uint64_t last) { return *net.commune_a().store().RunProof(origin, first, last); };
  storage::IncomingRun second{origin, 2, {entries[1]}, checkpoints[1], proof(2, 2), "test", false};
  CHECK(district.Ingest(second, trust)->verdict == Verdict::kGap);
  storage::IncomingRun unknown{origin, 1, {entries[0]}, checkpoints[0], proof(1, 1), "test", false};
  CHECK(district.Ingest(unknown, [](uint64_t) { return std::nullopt; })->verdict == Verdict::kNotReady);
  CHECK(QuarantineSize(net.district()) == 0);

  CHECK(district.Ingest(unknown, trust)->verdict == Verdict::kApplied);
  const auto digest = district.state_digest().Digest();
  CHECK(district.Ingest(unknown, trust)->verdict == Verdict::kDuplicate);
  CHECK(district.state_digest().Digest() == digest);
  // A run overlapping what is held applies only its new entries.
  storage::IncomingRun both{origin, 1, entries, checkpoints[1], proof(1, 2), "test", false};
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

  // A clerk's change that has seen both does not decide it; the district's operator's does, on
  // every node.
  TestNetwork::Add(net.district(), DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Seo Pao"}}));
  CHECK(OpenConflicts(net.district()) == at_district);
  TestNetwork::Add(net.district(), DraftFromJson(Operation::UPDATE, id, {{"full_name", "Vàng Seo Páo"}}, "officer.d",
                                                 schema::OfficerRole::OPERATOR));
  CHECK(OpenConflicts(net.district()).empty());
  net.Sync(net.commune_a(), net.district());
  CHECK(OpenConflicts(net.commune_a()).empty());
  CHECK(Name(net.commune_a(), id) == "Vàng Seo Páo");
  RequireVerifies(net.commune_a());
  RequireVerifies(net.district());
}

TEST_CASE("one citizen number registered in two communes is a case for review that does not freeze either record") {
  TestNetwork net;
  const std::string a = AddResidents(net.commune_a(), "00715", 1, 1)[0];
  const std::string b = AddResidents(net.commune_b(), "00718", 1, 1)[0];  // the same serial: the same number
  const std::string other = AddResidents(net.commune_b(), "00718", 2, 1)[0];
  net.Sync(net.commune_a(), net.district());
  net.Sync(net.commune_b(), net.district());
  auto open_cases = [&] {
    auto ids = OpenConflicts(net.district());
    return std::set<std::string>(ids.begin(), ids.end()).size();  // a duplicate case is kept under both records
  };
  REQUIRE(open_cases() == 1);

  // Either record can still be corrected while the case waits...
  std::vector<storage::Draft> edits;
  edits.push_back(DraftFromJson(Operation::UPDATE, a, {{"religion", "Không"}}));
  edits.push_back(DraftFromJson(Operation::UPDATE, b, {{"religion", "Phật giáo"}}));
  auto edited = net.district().Append(edits);
  REQUIRE(edited.ok());
  CHECK(edited->accepted.size() == 2);
  CHECK(edited->rejected.empty());
  // ...but no third record may take the number.
  auto a_bytes = net.district().store().GetRecord(a);
  REQUIRE(a_bytes.ok());
  REQUIRE(a_bytes->has_value());
  auto a_state = storage::Parsed<schema::RecordState>::Parse(**a_bytes, "record");
  REQUIRE(a_state.ok());
  const std::string number = a_state->get().getResident().getCitizenNo().cStr();
  std::vector<storage::Draft> taking;
  taking.push_back(DraftFromJson(Operation::UPDATE, other, {{"citizen_no", number}}));
  auto taken = net.district().Append(taking);
  REQUIRE(taken.ok());
  CHECK(taken->accepted.empty());
  REQUIRE(taken->rejected.size() == 1);
  CHECK(taken->rejected[0].errors[0].field == "citizen_no");
  CHECK(open_cases() == 1);
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

TEST_CASE("central's log reaches another district whole, though it corrects records there whose history never goes") {
  // Central corrects a resident of commune A (district 026), then one of commune C (district 027).
  // District 027 is sent central's whole log but never commune A's: the first correction depends
  // on changes it will never hold, and must not hold back the second.
  TestNetwork net;
  auto a_ids = AddResidents(net.commune_a(), "00715", 1, 1);
  auto c_ids = AddResidents(net.commune_c(), "00772", 30, 1);
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::UPDATE, a_ids[0], {{"religion", "Phật giáo"}}));
  net.Sync(net.commune_a(), net.district());
  net.Sync(net.district(), net.central());
  net.Sync(net.commune_c(), net.district2());
  net.Sync(net.district2(), net.central());
  TestNetwork::Add(net.central(), DraftFromJson(Operation::UPDATE, a_ids[0], {{"religion", "Không"}}));
  TestNetwork::Add(net.central(), DraftFromJson(Operation::UPDATE, c_ids[0], {{"religion", "Công giáo"}}));

  net.Sync(net.district2(), net.central());
  net.Sync(net.commune_c(), net.district2());
  const uint64_t central_id = net.central().config().node_id;
  const uint64_t a_id = net.commune_a().config().node_id;
  for (node::Node* n : {&net.district2(), &net.commune_c()}) {
    CHECK(n->store().version_vector().at(central_id) == net.central().store().version_vector().at(central_id));
    CHECK(n->store().version_vector().count(a_id) == 0);
    CHECK(QuarantineSize(*n) == 0);
    RequireVerifies(*n);
  }
  auto c_record = net.commune_c().store().GetRecord(c_ids[0]);
  REQUIRE(c_record.ok());
  REQUIRE(c_record->has_value());
  auto c_state = storage::Parsed<schema::RecordState>::Parse(**c_record, "record");
  REQUIRE(c_state.ok());
  CHECK(std::string(c_state->get().getResident().getReligion().cStr()) == "Công giáo");
  // Commune A's resident is a fragment there: kept for the fold, not a resident it searches or counts.
  auto fragment = net.district2().store().GetRecord(a_ids[0]);
  REQUIRE(fragment.ok());
  REQUIRE(fragment->has_value());
  auto fragment_state = storage::Parsed<schema::RecordState>::Parse(**fragment, "record");
  REQUIRE(fragment_state.ok());
  CHECK(storage::IsFragment(fragment_state->get()));
  auto report = storage::BuildReport(net.district2().store());
  REQUIRE(report.ok());
  CHECK(report->total.residents == 1);
  CHECK(OpenConflicts(net.district2(), false).empty());

  // Where the resident is homed, the same correction folds with its full context.
  net.Sync(net.district(), net.central());
  net.Sync(net.commune_a(), net.district());
  auto a_record = net.commune_a().store().GetRecord(a_ids[0]);
  REQUIRE(a_record.ok());
  REQUIRE(a_record->has_value());
  auto a_state = storage::Parsed<schema::RecordState>::Parse(**a_record, "record");
  REQUIRE(a_state.ok());
  CHECK(!storage::IsFragment(a_state->get()));
  CHECK(std::string(a_state->get().getResident().getReligion().cStr()) == "Không");
}

TEST_CASE("a resident moving to another district arrives through the common ancestor; the old commune keeps a pointer") {
  TestNetwork net;
  auto ids = AddResidents(net.commune_a(), "00715", 1, 2);
  const std::string moved = ids[0];
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::UPDATE, moved, {{"religion", "Phật giáo"}}));
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::MOVE, moved,
                                                  {{"permanent_residence", {{"unit", "00772"}, {"address", "Thôn Sảng Pả"}}},
                                                   {"home_unit", "00772"}}));
  // A commune may no longer change a record it handed away.
  std::vector<storage::Draft> late;
  late.push_back(DraftFromJson(Operation::UPDATE, moved, {{"religion", "Không"}}));
  auto refused = net.commune_a().Append(late);
  REQUIRE(refused.ok());
  CHECK(refused->accepted.empty());

  net.Sync(net.commune_a(), net.district());
  net.Sync(net.district(), net.central());
  net.Sync(net.district2(), net.central());
  net.Sync(net.commune_c(), net.district2());

  auto at_c = net.commune_c().store().GetRecord(moved);
  REQUIRE(at_c.ok());
  REQUIRE(at_c->has_value());
  auto state = storage::Parsed<schema::RecordState>::Parse(**at_c, "record");
  REQUIRE(state.ok());
  CHECK(std::string(state->get().getResident().getHomeUnit().cStr()) == "00772");
  CHECK(std::string(state->get().getResident().getReligion().cStr()) == "Phật giáo");  // its history came along

  // The new commune now holds authority: its correction reaches central.
  TestNetwork::Add(net.commune_c(), DraftFromJson(Operation::UPDATE, moved, {{"full_name", "Vàng Seo Dìn"}}));
  net.Sync(net.commune_c(), net.district2());
  net.Sync(net.district2(), net.central());
  CHECK(Name(net.central(), moved) == "Vàng Seo Dìn");
  // The old commune keeps the record as a pointer to its new home.
  auto at_a = storage::Parsed<schema::RecordState>::Parse(**net.commune_a().store().GetRecord(moved), "record");
  REQUIRE(at_a.ok());
  CHECK(std::string(at_a->get().getResident().getHomeUnit().cStr()) == "00772");
  CHECK(QuarantineSize(net.central()) == 0);
  RequireVerifies(net.central());
  RequireVerifies(net.commune_c());
}

TEST_CASE("siblings sync directly, and a commune cannot write another commune's residents through a sibling") {
  TestNetwork net;
  auto a_ids = AddResidents(net.commune_a(), "00715", 1, 2);
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::MOVE, a_ids[0],
                                                  {{"permanent_residence", {{"unit", "00718"}, {"address", "Thôn Má Lé"}}},
                                                   {"home_unit", "00718"}}));
  // Sibling exchange: B receives the resident that moved into it, A nothing of B's.
  AddResidents(net.commune_b(), "00718", 60, 1);
  net.Sync(net.commune_a(), net.commune_b());
  auto moved = net.commune_b().store().GetRecord(a_ids[0]);
  REQUIRE(moved.ok());
  CHECK(moved->has_value());
  CHECK(net.commune_a().store().version_vector().count(net.commune_b().config().node_id) == 0);
  CHECK(QuarantineSize(net.commune_b()) == 0);
}

uint64_t LastHlc(const node::Node& node) {
  uint64_t hlc = 0;
  const uint64_t origin = node.config().node_id;
  REQUIRE(node.store().ScanLogFrom(origin, 1, [&](uint64_t, uint64_t, std::string_view bytes) {
    auto entry = storage::Parsed<schema::LogEntry>::Parse(bytes, "entry");
    REQUIRE(entry.ok());
    hlc = entry->get().getChange().getHlc();
    return true;
  }).ok());
  return hlc;
}

TEST_CASE("a laptop ten days ahead neither drags the hub's clock along nor escapes review") {
  const uint64_t ten_days = 10ull * 24 * 3600 * 1000;
  TestNetwork net(ten_days);
  auto ids = AddResidents(net.commune_a(), "00715", 1, 1);
  net.Sync(net.commune_a(), net.district());
  TestNetwork::Add(net.commune_a(), DraftFromJson(Operation::UPDATE, ids[0], {{"full_name", "Vàng Seo Phủ"}}));
  TestNetwork::Add(net.district(), DraftFromJson(Operation::UPDATE, ids[0], {{"full_name", "Vàng Xeo Páo"}}));
  net.Sync(net.commune_a(), net.district());
  // The district's clock took in the commune's timestamps only up to 24 hours ahead: its changes
  // to other records are not dated in the future.
  TestNetwork::Add(net.district(), DraftFromJson(Operation::CREATE, "", ResidentIn("00718", 500)));
  const uint64_t now = storage::HybridClock::SystemMillis();
  CHECK(storage::HybridClock::Millis(LastHlc(net.district())) <= now + storage::kMaxClockAheadMs + 60'000);
  CHECK(storage::HybridClock::Millis(LastHlc(net.commune_a())) >= now + ten_days - 60'000);
  // The name the future-dated laptop wrote is not silently final: the edit is in review.
  CHECK(OpenConflicts(net.district()).size() == 1);
  // An operator's change made after seeing the laptop's value overrides it, whatever the clocks say.
  TestNetwork::Add(net.district(), DraftFromJson(Operation::UPDATE, ids[0], {{"full_name", "Vàng Seo Páo"}}, "officer.d",
                                                 schema::OfficerRole::OPERATOR));
  CHECK(Name(net.district(), ids[0]) == "Vàng Seo Páo");
  CHECK(OpenConflicts(net.district()).empty());
}

TEST_CASE("citizen numbers leased down the tree are issued offline and never twice") {
  TestNetwork net;
  // Nothing leased yet: a birth cannot get a number.
  CHECK(node::IssueCitizenNo(net.commune_a(), schema::Sex::FEMALE, 2024).status().code() ==
        Status::Code::kFailedPrecondition);
  // The communes ask on their next sync; the district has nothing until it has synced with central.
  net.Sync(net.commune_a(), net.district());
  CHECK(*node::RemainingSerials(net.commune_a(), "002") == 0);
  net.Sync(net.district(), net.central());
  CHECK(*node::RemainingSerials(net.district(), "002") == node::LeaseBlockFor(schema::Role::DISTRICT));
  net.Sync(net.commune_a(), net.district());
  net.Sync(net.commune_b(), net.district());
  const uint32_t block = node::LeaseBlockFor(schema::Role::COMMUNE);
  CHECK(*node::RemainingSerials(net.commune_a(), "002") == block);
  CHECK(*node::RemainingSerials(net.district(), "002") == node::LeaseBlockFor(schema::Role::DISTRICT) - 2 * block);

  // Offline, both communes issue numbers until their blocks run out: all distinct, all valid.
  std::set<std::string> issued;
  for (node::Node* commune : {&net.commune_a(), &net.commune_b()}) {
    for (uint32_t i = 0; i < block; ++i) {
      auto number = node::IssueCitizenNo(*commune, i % 2 ? schema::Sex::MALE : schema::Sex::FEMALE, 2024);
      REQUIRE(number.ok());
      CHECK(number->substr(0, 3) == "002");
      CHECK(issued.insert(number->substr(6)).second);  // the serial: unique across nodes and sexes
    }
    CHECK(node::IssueCitizenNo(*commune, schema::Sex::MALE, 2024).status().code() == Status::Code::kFailedPrecondition);
  }
  CHECK(issued.size() == 2 * block);
  // Running low, the commune gets another block on its next sync, disjoint from the first.
  net.Sync(net.commune_a(), net.district());
  auto more = node::IssueCitizenNo(net.commune_a(), schema::Sex::MALE, 2025);
  REQUIRE(more.ok());
  CHECK(issued.insert(more->substr(6)).second);
}

TEST_CASE("a forged or misdirected lease is refused") {
  TestNetwork net;
  auto grant = node::GrantLease(net.central(), net.district().config().node_id, "002", 100, kTestNowMs);
  REQUIRE(grant.ok());
  SECTION("a byte flipped anywhere") {
    for (size_t i = 0; i < grant->size(); i += 7) {
      std::string bad = *grant;
      bad[i] ^= 0x10;
      CHECK_FALSE(node::VerifyLease(net.district(), bad).ok());
    }
  }
  SECTION("a commune cannot lease from a pool of its own") {
    auto forged = node::GrantLease(net.commune_a(), net.commune_b().config().node_id, "002", 10, kTestNowMs);
    CHECK_FALSE(forged.ok());
  }
  SECTION("a lease addressed to another node is not taken") {
    REQUIRE(node::AcceptLease(net.commune_a(), *grant).ok());
    CHECK(*node::RemainingSerials(net.commune_a(), "002") == 0);
  }
}

}  // namespace
}  // namespace dancu::testing
