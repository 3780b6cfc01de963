// Each origin's log is a Merkle tree: a run of it verifies alone, a receiver extends the tree it
// holds, and an origin that signs two different trees (a cloned laptop, a rewritten log) is caught:
// the run is kept as evidence, nothing is applied, and the origin is held compromised.
// Also: the store refuses a database in another log format, with what to do.
#include <catch2/catch.hpp>

#include "storage/log_format.h"
#include "storage/log_verify.h"
#include "storage/store_layout.h"
#include "tests/support/test_node.h"

namespace dancu::storage {
namespace {

using testing::AddResidents;
using testing::OpenStore;
using testing::RunOf;
using testing::TempDir;
using testing::TrustOnly;

size_t QuarantineSize(const Store& store) {
  size_t n = 0;
  REQUIRE(store.ScanQuarantine([&](std::string_view, std::string_view) { return ++n, true; }).ok());
  return n;
}

TEST_CASE("a run verifies alone against its signed head, wherever it starts") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  auto origin = OpenStore(dir.Sub("origin"));
  for (uint32_t b = 0; b < 5; ++b) AddResidents(*origin, key, 1 + 7 * b, 7);  // heads at 7, 14, ... 35
  const OriginTrust trust{key.public_key(), UINT64_MAX, nullptr};
  for (uint64_t first : {1, 8, 15, 29}) {
    for (uint64_t last : {14, 21, 35}) {
      if (last < first) continue;
      IncomingRun run = RunOf(*origin, key.node_id(), first, last);
      auto root = VerifyRunProof(run, trust);
      INFO(first << ".." << last << ": " << root.status().ToString());
      CHECK(root.ok());
      if (!run.proof.empty()) {
        run.proof[run.proof.size() / 2] ^= 1;
        CHECK_FALSE(VerifyRunProof(run, trust).ok());
      }
    }
  }
  // A multi-proof of a run costs at most two hashes per level, however long the run.
  CHECK(RunOf(*origin, key.node_id(), 8, 35).proof.size() <= 2 * 6 * sizeof(Hash256));
}

TEST_CASE("a receiver extends the tree it holds and its log verifies") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  auto origin = OpenStore(dir.Sub("origin"));
  auto hub = OpenStore(dir.Sub("hub"));
  uint64_t held = 0;
  for (uint32_t b = 0; b < 6; ++b) {
    AddResidents(*origin, key, 1 + 9 * b, 9);
    const uint64_t last = held + 9;
    auto outcome = hub->Ingest(RunOf(*origin, key.node_id(), held + 1, last), TrustOnly(key));
    REQUIRE(outcome.ok());
    INFO(outcome->reason);
    REQUIRE(outcome->verdict == IngestOutcome::Verdict::kApplied);
    held = last;
  }
  // The hub's stored tree answers proofs exactly as the origin's does.
  CHECK(*hub->RunProof(key.node_id(), 20, 54) == *origin->RunProof(key.node_id(), 20, 54));
  KeyLookup keys = [&](uint64_t) -> std::optional<PublicKey> { return key.public_key(); };
  auto verified = VerifyStore(*hub, keys);
  INFO(verified.status().ToString());
  CHECK(verified.ok());
  CHECK(hub->state_digest().Digest() == origin->state_digest().Digest());
}

TEST_CASE("an origin that signs two different logs is caught, kept as evidence, and held compromised") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  const Seed seed = key.seed();
  SigningKey clone = SigningKey::FromSeed(seed);  // a cloned laptop: the same key, another disk
  auto laptop = OpenStore(dir.Sub("laptop"));
  auto cloned = OpenStore(dir.Sub("cloned"));
  auto hub = OpenStore(dir.Sub("hub"));
  AddResidents(*laptop, key, 1, 4);
  AddResidents(*cloned, clone, 101, 4);
  AddResidents(*laptop, key, 5, 3);
  AddResidents(*cloned, clone, 105, 3);
  const uint64_t origin = key.node_id();
  REQUIRE(hub->Ingest(RunOf(*laptop, origin, 1, 4), TrustOnly(key))->verdict == IngestOutcome::Verdict::kApplied);
  const auto digest = hub->state_digest().Digest();

  SECTION("the other log's run of the same seqs") {
    auto outcome = hub->Ingest(RunOf(*cloned, origin, 1, 4), TrustOnly(key));
    REQUIRE(outcome.ok());
    CHECK(outcome->verdict == IngestOutcome::Verdict::kRefused);
    CHECK(outcome->equivocation);
    CHECK_THAT(outcome->reason, Catch::Contains("equivocation"));
  }
  SECTION("the other log's next run, which does not extend the tree held") {
    auto outcome = hub->Ingest(RunOf(*cloned, origin, 5, 7), TrustOnly(key));
    REQUIRE(outcome.ok());
    CHECK(outcome->verdict == IngestOutcome::Verdict::kRefused);
    CHECK(outcome->equivocation);
  }
  // Nothing of it applied; the evidence kept; the origin's own next run refused too, until an
  // operator decides.
  CHECK(hub->state_digest().Digest() == digest);
  CHECK(hub->version_vector().at(origin) == 4);
  CHECK(QuarantineSize(*hub) == 1);
  CHECK(*hub->Compromised(origin));
  auto next = hub->Ingest(RunOf(*laptop, origin, 5, 7), TrustOnly(key));
  REQUIRE(next.ok());
  CHECK(next->verdict == IngestOutcome::Verdict::kRefused);
  CHECK_THAT(next->reason, Catch::Contains("compromised"));
  CHECK(hub->state_digest().Digest() == digest);
}

TEST_CASE("a forged copy of held entries is refused as a forgery, not taken for an equivocation") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  auto laptop = OpenStore(dir.Sub("laptop"));
  auto hub = OpenStore(dir.Sub("hub"));
  AddResidents(*laptop, key, 1, 3);
  REQUIRE(hub->Ingest(RunOf(*laptop, key.node_id(), 1, 3), TrustOnly(key))->verdict == IngestOutcome::Verdict::kApplied);
  IncomingRun forged = RunOf(*laptop, key.node_id(), 1, 3);
  forged.entries[1][forged.entries[1].size() - 3] ^= 0x20;
  auto outcome = hub->Ingest(forged, TrustOnly(key));
  REQUIRE(outcome.ok());
  CHECK(outcome->verdict == IngestOutcome::Verdict::kRefused);
  CHECK_FALSE(outcome->equivocation);
  CHECK_FALSE(*hub->Compromised(key.node_id()));
  // A faithful repeat is a duplicate, not a refusal.
  CHECK(hub->Ingest(RunOf(*laptop, key.node_id(), 1, 3), TrustOnly(key))->verdict == IngestOutcome::Verdict::kDuplicate);
}

TEST_CASE("a database in another log format is refused with what to do, and left as it is") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  {
    auto store = OpenStore(dir.Sub("db"));
    AddResidents(*store, key, 1, 2);
    REQUIRE(store->PutMeta(layout::kFormatKey, layout::EncodeU64(1)).ok());
  }
  StoreOptions options;
  auto reopened = Store::Open(dir.Sub("db"), options);
  REQUIRE_FALSE(reopened.ok());
  CHECK(reopened.status().code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(reopened.status().message(), Catch::Contains("format 1") && Catch::Contains("dancu init"));
  // Refused again, the same way: nothing was converted or stamped.
  CHECK(Store::Open(dir.Sub("db"), options).status().code() == Status::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace dancu::storage
