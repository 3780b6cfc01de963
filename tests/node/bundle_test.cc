// Bundles: replication by USB stick between real certified nodes (replication/bundle.h,
// node/bundles.h): the same verification and ingest as a link session, acknowledgements riding
// back, and every damaged, forged or misdirected file refused without changing anything.
#include <catch2/catch.hpp>

#include "node/bundles.h"
#include "storage/log_verify.h"
#include "tests/support/test_network.h"

namespace dancu::testing {
namespace {

using schema::Operation;

void AddResidents(node::Node& node, const std::string& unit, uint32_t first, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    TestNetwork::Add(node, DraftFromJson(Operation::CREATE, "", ResidentIn(unit, first + i)));
  }
}

replication::BuiltBundle Export(node::Node& from, node::Node& to, replication::BundleOptions options = {}) {
  auto exported = node::ExportBundle(from, to.config().node_id, kTestNowMs, [](std::string_view) {}, options);
  INFO(exported.status().ToString());
  REQUIRE(exported.ok());
  return std::move(exported->built);
}

Result<replication::BundleImport> Import(node::Node& into, std::string_view bytes) {
  return node::ImportBundle(into, bytes, "bundle test", kTestNowMs, [](std::string_view) {});
}

replication::BundleImport ImportOk(node::Node& into, std::string_view bytes) {
  auto report = Import(into, bytes);
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  return *report;
}


// What a refused import must leave untouched.
struct Snapshot {
  explicit Snapshot(const node::Node& node)
      : digest(node.store().state_digest().Digest()),
        versions(node.store().version_vector()),
        quarantine(QuarantineSize(node)) {}
  bool operator==(const Snapshot&) const = default;
  storage::Hash256 digest;
  storage::VersionVector versions;
  size_t quarantine;
};

TEST_CASE("a commune's changes reach its district by bundle, verified, and a second import is a no-op") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 12);
  replication::BundleOptions small;
  small.cut.target_bytes = 1;  // one batch a segment
  auto bundle = Export(net.commune_a(), net.district(), small);
  CHECK(bundle.segments == 12);
  CHECK(bundle.changes == 12);

  auto report = ImportOk(net.district(), bundle.bytes);
  CHECK(report.applied == 12);
  CHECK(report.changes == 12);
  CHECK(report.refused == 0);
  CHECK(report.waiting == 0);
  const uint64_t a = net.commune_a().config().node_id;
  CHECK(net.district().store().version_vector().at(a) == 12);
  CHECK(net.district().store().version_vector() == net.commune_a().store().version_vector());
  CHECK(net.district().store().state_digest().Digest() == net.commune_a().store().state_digest().Digest());
  RequireVerifies(net.district());
  // The bundle told the district what the commune holds.
  auto known = node::KnownVector(net.district().store(), a);
  REQUIRE(known.ok());
  CHECK(*known == net.commune_a().store().version_vector());

  const Snapshot before(net.district());
  auto again = ImportOk(net.district(), bundle.bytes);
  CHECK(again.applied == 0);
  CHECK(again.duplicates == 12);
  CHECK(again.refused == 0);
  CHECK(again.waiting == 0);
  CHECK(Snapshot(net.district()) == before);
}

TEST_CASE("acknowledgements ride back: the next bundle holds only what the peer lacks") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 5);
  auto first = Export(net.commune_a(), net.district());
  CHECK(first.segments >= 1);
  ImportOk(net.district(), first.bytes);

  // No receipt yet: the commune would send it all again.
  CHECK(Export(net.commune_a(), net.district()).changes == 5);

  // The district's bundle back carries its vector (and here nothing else the commune lacks).
  auto back = Export(net.district(), net.commune_a());
  CHECK(back.segments == 0);
  auto report = ImportOk(net.commune_a(), back.bytes);
  CHECK(report.segments == 0);

  auto next = Export(net.commune_a(), net.district());
  CHECK(next.segments == 0);
  CHECK(next.changes == 0);
  CHECK(next.bytes.size() < 4096);

  SECTION("later changes travel alone") {
    AddResidents(net.commune_a(), "00715", 100, 2);
    auto more = Export(net.commune_a(), net.district());
    CHECK(more.changes == 2);
    ImportOk(net.district(), more.bytes);
    CHECK(net.district().store().state_digest().Digest() == net.commune_a().store().state_digest().Digest());
  }
}

TEST_CASE("a synced session records what the peer holds, so a bundle after it is empty") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 3);
  net.Sync(net.commune_a(), net.district());
  auto known = node::KnownVector(net.district().store(), net.commune_a().config().node_id);
  REQUIRE(known.ok());
  CHECK(known->at(net.commune_a().config().node_id) == 3);
  CHECK(Export(net.district(), net.commune_a()).segments == 0);
  CHECK(Export(net.commune_a(), net.district()).segments == 0);
  // An origin acknowledged at seq 0 (nothing held) is not kept.
  REQUIRE(node::RecordPeerHolds(net.district().store(), net.commune_a().config().node_id, {{12345, 0}}).ok());
  CHECK(node::KnownVector(net.district().store(), net.commune_a().config().node_id).ok());
}

TEST_CASE("segments of several origins apply whatever their order, in passes") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 3);
  net.Sync(net.commune_a(), net.district());
  // The district corrects a commune's record: its change depends on the commune's; the bundle
  // for central holds both origins' segments in origin order, whichever comes first.
  std::string id;
  REQUIRE(net.district().store().ScanRecords([&](std::string_view rid, std::string_view) {
    id = std::string(rid);
    return false;
  }).ok());
  TestNetwork::Add(net.district(), DraftFromJson(Operation::UPDATE, id, {{"religion", "Không"}}));
  auto bundle = Export(net.district(), net.central());
  CHECK(bundle.origins == 2);
  auto report = ImportOk(net.central(), bundle.bytes);
  CHECK(report.waiting == 0);
  CHECK(report.refused == 0);
  CHECK(report.changes == 4);
  CHECK(net.central().store().state_digest().Digest() == net.district().store().state_digest().Digest());
  RequireVerifies(net.central());
}

TEST_CASE("every truncation of a bundle is refused and changes nothing") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 2);
  auto bundle = Export(net.commune_a(), net.district());
  const Snapshot before(net.district());
  for (size_t length = 0; length < bundle.bytes.size(); ++length) {
    auto report = Import(net.district(), std::string_view(bundle.bytes).substr(0, length));
    INFO("length " << length);
    REQUIRE_FALSE(report.ok());
  }
  CHECK(Snapshot(net.district()) == before);
  CHECK(ImportOk(net.district(), bundle.bytes).applied >= 1);
}

TEST_CASE("a byte changed anywhere in a bundle is refused and changes nothing") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 2);
  auto bundle = Export(net.commune_a(), net.district());
  const Snapshot before(net.district());
  size_t signature_failures = 0;
  for (size_t i = 0; i < bundle.bytes.size(); ++i) {
    std::string forged = bundle.bytes;
    forged[i] = static_cast<char>(forged[i] ^ 0x5a);
    auto report = Import(net.district(), forged);
    INFO("byte " << i);
    REQUIRE_FALSE(report.ok());
    if (report.status().message().find("signature") != std::string::npos) ++signature_failures;
  }
  CHECK(signature_failures > 0);
  CHECK(Snapshot(net.district()) == before);
  CHECK(ImportOk(net.district(), bundle.bytes).applied >= 1);
}

TEST_CASE("a bundle for another node is refused with both ids and changes nothing") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 2);
  auto bundle = Export(net.commune_a(), net.district());
  const Snapshot before(net.central());
  auto report = Import(net.central(), bundle.bytes);
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().message() == "bundle is for node " + node::NodeIdHex(net.district().config().node_id) +
                                         ", this is node " + node::NodeIdHex(net.central().config().node_id));
  CHECK(Snapshot(net.central()) == before);
}

TEST_CASE("a bundle for a node this node does not know is not written") {
  TestNetwork net;
  auto exported = node::ExportBundle(net.commune_a(), net.commune_b().config().node_id, kTestNowMs,
                                     [](std::string_view) {});
  REQUIRE_FALSE(exported.ok());
  CHECK(exported.status().message().find("not known") != std::string::npos);
}

TEST_CASE("a segment outside its origin's authority is quarantined; the rest of the bundle applies") {
  TestNetwork net;
  AddResidents(net.commune_a(), "00715", 1, 3);
  // A tampered laptop: commune A's store signs a resident homed in commune B.
  auto key = net.commune_a().signing_key();
  REQUIRE(key.ok());
  std::vector<storage::Draft> forged;
  forged.push_back(DraftFromJson(Operation::CREATE, "", ResidentIn("00718", 300)));
  auto appended = net.commune_a().store().Append(forged, **key);
  REQUIRE(appended.ok());
  REQUIRE(appended->accepted.size() == 1);

  replication::BundleOptions small;
  small.cut.target_bytes = 1;
  auto bundle = Export(net.commune_a(), net.district(), small);
  CHECK(bundle.segments == 4);
  auto report = ImportOk(net.district(), bundle.bytes);
  CHECK(report.applied == 3);
  CHECK(report.refused == 1);
  CHECK(report.refusals.size() == 1);
  CHECK(QuarantineSize(net.district()) == 1);
  CHECK(net.district().store().version_vector().at(net.commune_a().config().node_id) == 3);
  RequireVerifies(net.district());
}

}  // namespace
}  // namespace dancu::testing
