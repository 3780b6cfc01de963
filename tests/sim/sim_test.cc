// The simulator itself: a seed replays exactly, seeds differ, and forged changes are caught.
#include <catch2/catch.hpp>

#include "tests/support/test_network.h"
#include "tests/support/test_node.h"
#include "tools/sim/simulation.h"

namespace dancu::sim {
namespace {

const WorldShape kSmall{1, 2, 3};

std::unique_ptr<WorldTemplate> Template(const testing::TempDir& dir, const std::string& name) {
  auto world = WorldTemplate::Build(kSmall, dir.Sub(name));
  INFO(world.status().ToString());
  REQUIRE(world.ok());
  return std::move(world.value());
}

SimResult Run(const WorldTemplate& world, const testing::TempDir& dir, SimConfig config, const std::string& run) {
  auto result = RunSeed(world, config, dir.Sub(run));
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  INFO(Summary(config.seed, *result));
  CHECK(result->ok);
  return *result;
}

TEST_CASE("a seed replays exactly: the same trace and the same final state on every node") {
  testing::TempDir dir;
  // Two templates built apart: node keys depend on the world's shape only.
  auto first_world = Template(dir, "t1");
  auto second_world = Template(dir, "t2");
  REQUIRE(first_world->nodes().size() == 7);
  for (size_t i = 0; i < first_world->nodes().size(); ++i) {
    CHECK(first_world->nodes()[i].node_id == second_world->nodes()[i].node_id);
  }
  SimConfig config;
  config.days = 3;
  config.officer_events_per_day = 15;
  config.forge_per_seed = 0.5;
  for (uint64_t seed : {3u, 11u}) {
    config.seed = seed;
    std::vector<std::string> lines;
    config.trace = [&](const std::string& line) { lines.push_back(line); };
    SimResult a = Run(*first_world, dir, config, "a" + std::to_string(seed));
    std::vector<std::string> first_lines = std::move(lines);
    lines.clear();
    SimResult b = Run(*second_world, dir, config, "b" + std::to_string(seed));
    CHECK(a.trace_hash == b.trace_hash);
    CHECK(first_lines == lines);
    CHECK(a.digests == b.digests);
    CHECK(a.appends == b.appends);
    CHECK(a.appends > 0);
    CHECK(a.sessions_synced > 0);
  }
}

TEST_CASE("different seeds run different events") {
  testing::TempDir dir;
  auto world = Template(dir, "t");
  SimConfig config;
  config.days = 2;
  config.officer_events_per_day = 10;
  config.seed = 1;
  const SimResult one = Run(*world, dir, config, "one");
  config.seed = 2;
  const SimResult two = Run(*world, dir, config, "two");
  CHECK(one.trace_hash != two.trace_hash);
}

TEST_CASE("forged changes end in quarantine and nowhere in any applied state") {
  testing::TempDir dir;
  auto world = Template(dir, "t");
  SimConfig config;
  config.days = 3;
  config.officer_events_per_day = 15;
  config.forge_per_seed = 1.0;
  uint64_t forged = 0;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    config.seed = seed;
    const SimResult r = Run(*world, dir, config, "s" + std::to_string(seed));
    forged += r.forged;
    if (r.forged > 0) CHECK(r.quarantined > 0);  // check 3 requires the parent's quarantine entry
  }
  CHECK(forged >= 4);  // a forge is skipped only when its commune is down at that moment
}

TEST_CASE("a calm network with no faults converges too") {
  testing::TempDir dir;
  auto world = Template(dir, "t");
  SimConfig config;
  config.days = 2;
  config.officer_events_per_day = 20;
  config.faults = {0, 0, 0, 5, 50, 0};
  config.partition_per_link_day = 0;
  config.crash_per_node_day = 0;
  config.crash_during_session = 0;
  config.skew_per_node_day = 0;
  config.forge_per_seed = 0;
  config.seed = 5;
  const SimResult r = Run(*world, dir, config, "calm");
  CHECK(r.sessions_cut == 0);
  CHECK(r.session_errors == 0);
  CHECK(r.crashes == 0);
}

// Found by the simulator (seed 19 of the small world): two origins' changes depending on each
// other across batches, one origin's batches merged into one segment, deadlocked for ever (each
// session cut the same merged segment, which could not apply as a whole).
TEST_CASE("batches that depend across origins in a cycle still arrive, one batch per segment") {
  using testing::TestNetwork;
  using testing::DraftFromJson;
  TestNetwork net;
  // The district creates a resident of commune A; A corrects it; the district corrects it again.
  const std::string id = TestNetwork::Add(net.district(), DraftFromJson(schema::Operation::CREATE, "",
                                                                         testing::ResidentIn("00715", 1)));
  net.Sync(net.commune_a(), net.district());
  TestNetwork::Add(net.commune_a(), DraftFromJson(schema::Operation::UPDATE, id, {{"religion", "Không"}}));
  net.Sync(net.commune_a(), net.district());
  TestNetwork::Add(net.district(), DraftFromJson(schema::Operation::UPDATE, id, {{"full_name", "Vàng Seo Phủ"}}));
  // Central lacks both: the district's batches 1-2 (one segment) need A's 1, which needs the district's 1.
  for (int i = 0; i < 3; ++i) net.Sync(net.district(), net.central());
  const auto held = net.central().store().version_vector();
  auto at = [&](uint64_t origin) { return held.count(origin) ? held.at(origin) : 0; };
  CHECK(at(net.district().config().node_id) == 2);
  CHECK(at(net.commune_a().config().node_id) == 1);
  CHECK(net.central().store().state_digest().Digest() == net.district().store().state_digest().Digest());
}

}  // namespace
}  // namespace dancu::sim
