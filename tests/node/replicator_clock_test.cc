// The replicator's timers and link times run on the clocks it is given (the simulator's, a
// test's), not on the machine's: a session with the parent is due `interval` later on that clock,
// and a parent nobody answers for is said unreachable after 10 s of that clock.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "node/replicator.h"
#include "tests/support/test_network.h"

namespace dancu::node {
namespace {

using testing::kTestNowMs;
using testing::TestNetwork;

// Polls `done` in real time for up to 20 s.
bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

TEST_CASE("the replicator's next session is due on its given clock, and link times are read from it") {
  TestNetwork net;
  std::atomic<uint64_t> steady{1'000'000}, wall{kTestNowMs};
  auto clocks = [&](ReplicatorOptions& options) {
    options.steady_ms = [&] { return steady.load(); };
    options.wall_ms = [&] { return wall.load(); };
  };
  ReplicatorOptions parent_options;
  parent_options.listen = "tcp://127.0.0.1:*";
  clocks(parent_options);
  auto parent = Replicator::Start(net.district(), parent_options);
  INFO(parent.status().ToString());
  REQUIRE(parent.ok());

  ReplicatorOptions child_options;
  child_options.parent = (*parent)->endpoint();
  child_options.interval = std::chrono::hours(1);
  clocks(child_options);
  auto child = Replicator::Start(net.commune_a(), child_options);
  INFO(child.status().ToString());
  REQUIRE(child.ok());
  auto link = [&] { return (*child)->Links().at(0); };

  REQUIRE(WaitFor([&] { return link().last_synced_ms != 0; }));
  CHECK(link().last_synced_ms == kTestNowMs);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(link().sessions == 1);  // the next one is an hour away on the given clock

  steady += 3'600'000;
  wall += 3'600'000;
  REQUIRE(WaitFor([&] { return link().sessions == 2 && link().last_synced_ms == kTestNowMs + 3'600'000; }));
}

TEST_CASE("a parent that never answers is said unreachable after 10 s of the given clock, not before") {
  TestNetwork net;
  std::atomic<uint64_t> steady{1'000'000};
  ReplicatorOptions options;
  options.parent = "tcp://127.0.0.1:9";  // the discard port: nobody speaks CurveZMQ there
  options.steady_ms = [&] { return steady.load(); };
  auto child = Replicator::Start(net.commune_a(), options);
  INFO(child.status().ToString());
  REQUIRE(child.ok());
  auto link = [&] { return (*child)->Links().at(0); };

  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(link().last_error.empty());  // half a second of real time, none of the given clock
  steady += 9'000;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(link().last_error.empty());
  steady += 1'001;
  REQUIRE(WaitFor([&] { return !link().last_error.empty(); }));
  CHECK_THAT(link().last_error, Catch::Contains("unreachable: no CurveZMQ handshake within 10000 ms"));
  CHECK(link().sessions == 0);
}

}  // namespace
}  // namespace dancu::node
