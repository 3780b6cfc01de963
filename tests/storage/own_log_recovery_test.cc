// A node restored from an older copy of its data (or that lost its newest writes) takes its own
// entries back from a peer and authors its offline work again after them: every change of both
// sides survives, and the peer never sees two different entries at one seq.
#include <catch2/catch.hpp>

#include <filesystem>

#include "storage/log_verify.h"
#include "tests/support/test_node.h"

namespace dancu::storage {
namespace {

using testing::AddResidents;
using testing::DraftFromJson;
using testing::OpenStore;
using testing::RunOf;
using testing::TempDir;
using testing::TrustOnly;
using testing::ValidResident;

using Verdict = IngestOutcome::Verdict;


void RequireApplied(Store& to, const IncomingRun& run, const SigningKey& key) {
  auto outcome = to.Ingest(run, TrustOnly(key));
  REQUIRE(outcome.ok());
  INFO(outcome->reason);
  REQUIRE(outcome->verdict == Verdict::kApplied);
}

uint64_t Held(const Store& store, uint64_t origin) {
  auto v = store.version_vector();
  return v.count(origin) ? v.at(origin) : 0;
}

TEST_CASE("a node restored from an older copy gets its own entries back and authors its offline work after them") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  const uint64_t origin = key.node_id();
  const std::string laptop_dir = dir.Sub("laptop"), copy_dir = dir.Sub("copy");
  auto hub = OpenStore(dir.Sub("hub"));
  {
    auto laptop = OpenStore(laptop_dir);
    AddResidents(*laptop, key, 1, 3);  // seqs 1..3, synced
    RequireApplied(*hub, RunOf(*laptop, origin, 1, 3), key);
  }
  std::filesystem::copy(laptop_dir, copy_dir, std::filesystem::copy_options::recursive);  // the backup
  {
    auto laptop = OpenStore(laptop_dir);
    AddResidents(*laptop, key, 4, 2);  // seqs 4..5, synced, then the disk is lost
    RequireApplied(*hub, RunOf(*laptop, origin, 4, 5), key);
  }
  // Restored from the copy, the node registers two residents offline, under seqs 4 and 5 again.
  auto node = OpenStore(copy_dir);
  auto offline = AddResidents(*node, key, 21, 2);
  REQUIRE(Held(*node, origin) == 5);

  SECTION("without recovery, its next run is caught at the hub as a second log") {
    auto outcome = hub->Ingest(RunOf(*node, origin, 4, 5), TrustOnly(key));
    REQUIRE(outcome.ok());
    CHECK(outcome->equivocation);
  }
  SECTION("with recovery, every change of both sides survives") {
    // The hub held seq 3 when the copy was made (the node's record of it), and holds 5 now.
    REQUIRE(node->RewindOwnLog(origin, 3, 5).ok());
    CHECK(node->RecoveryTarget() == std::optional<uint64_t>(5));
    CHECK(Held(*node, origin) == 3);
    CHECK(*node->GetRecord(offline[0]) == std::nullopt);  // set aside, not lost (below)
    std::vector<Draft> more;
    more.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(30)));
    auto refused = node->Append(more, key);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Status::Code::kFailedPrecondition);
    CHECK(node->Reauthor(key, nullptr).status().code() == Status::Code::kFailedPrecondition);

    RequireApplied(*node, RunOf(*hub, origin, 4, 5), key);  // its own entries, back from the hub
    auto done = node->Reauthor(key, nullptr);
    REQUIRE(done.ok());
    CHECK(done->reauthored == 2);
    CHECK(done->returned == 0);
    CHECK(done->refused == 0);
    CHECK_FALSE(node->RecoveryTarget().has_value());
    CHECK(Held(*node, origin) == 7);

    RequireApplied(*hub, RunOf(*node, origin, 6, 7), key);
    CHECK_FALSE(*hub->Compromised(origin));
    CHECK(hub->state_digest().Digest() == node->state_digest().Digest());
    // All seven residents, the two registered offline among them (under new record ids).
    size_t records = 0;
    REQUIRE(hub->ScanRecords([&](std::string_view, std::string_view) { return ++records, true; }).ok());
    CHECK(records == 7);
    for (const char* no : {"001085000021", "001085000022", "001085000004"}) {
      auto found = hub->FindCitizenNo(no);
      REQUIRE(found.ok());
      CHECK(found->has_value());
    }
    KeyLookup keys = [&](uint64_t) -> std::optional<PublicKey> { return key.public_key(); };
    auto verified = VerifyStore(*node, keys);
    INFO(verified.status().ToString());
    CHECK(verified.ok());
    CHECK(VerifyStore(*hub, keys).ok());
  }
}

TEST_CASE("entries set aside that come back unchanged are not authored twice; the recovery survives a restart") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  const uint64_t origin = key.node_id();
  auto hub = OpenStore(dir.Sub("hub"));
  {
    auto node = OpenStore(dir.Sub("node"));
    AddResidents(*node, key, 1, 2);
    AddResidents(*node, key, 3, 2);
    RequireApplied(*hub, RunOf(*node, origin, 1, 4), key);
    AddResidents(*node, key, 5, 1);  // seq 5, never synced
    // The hub was last known at seq 2 (an old record of it): 3..5 are set aside.
    REQUIRE(node->RewindOwnLog(origin, 2, 4).ok());
  }
  auto node = OpenStore(dir.Sub("node"));  // reopened mid-recovery
  CHECK(node->RecoveryTarget() == std::optional<uint64_t>(4));
  RequireApplied(*node, RunOf(*hub, origin, 3, 4), key);
  auto done = node->Reauthor(key, nullptr);
  REQUIRE(done.ok());
  CHECK(done->returned == 2);    // 3 and 4 came back as they were
  CHECK(done->reauthored == 1);  // 5 was never synced: authored again, as seq 5
  CHECK(Held(*node, origin) == 5);
  RequireApplied(*hub, RunOf(*node, origin, 5, 5), key);
  CHECK(hub->state_digest().Digest() == node->state_digest().Digest());
}

}  // namespace
}  // namespace dancu::storage
