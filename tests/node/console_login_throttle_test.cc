// The console's login throttle: five failures a minute per officer name and twenty per client
// address, counted from the start of each attempt; then a wait.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "node/console/login_throttle.h"

namespace dancu::console {
namespace {

using namespace std::chrono_literals;

TEST_CASE("after five failures in a minute an officer name waits; others do not") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  LoginThrottle throttle([&now] { return now; });
  std::chrono::seconds wait{0};
  for (int i = 0; i < 5; ++i) {
    REQUIRE(throttle.Begin("officer.an", "10.0.0.1", &wait));
    now += 5s;
  }
  CHECK_FALSE(throttle.Begin("officer.an", "10.0.0.2", &wait));  // from any address
  CHECK(wait == 35s);  // the first failure, 25 s ago, leaves the window in 35 s
  CHECK(throttle.Begin("officer.binh", "10.0.0.1", &wait));
  now += 34s;
  CHECK_FALSE(throttle.Begin("officer.an", "10.0.0.1", &wait));
  now += 1s;
  CHECK(throttle.Begin("officer.an", "10.0.0.1", &wait));  // four failures within the minute before it
  CHECK_FALSE(throttle.Begin("officer.an", "10.0.0.1", &wait));
}

TEST_CASE("a successful login forgets its name's failures but not its address's") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  LoginThrottle throttle([&now] { return now; });
  std::chrono::seconds wait{0};
  for (int i = 0; i < 4; ++i) REQUIRE(throttle.Begin("officer.an", "10.0.0.1", &wait));
  REQUIRE(throttle.Begin("officer.an", "10.0.0.1", &wait));
  throttle.Succeeded("officer.an", "10.0.0.1");
  for (int i = 0; i < 4; ++i) REQUIRE(throttle.Begin("officer.an", "10.0.0.1", &wait));
  CHECK(throttle.Begin("officer.an", "10.0.0.1", &wait));
  // The address had 4 + 4 + 1 failures; an attacker's own good login does not clear them.
  for (int i = 0; i < 11; ++i) REQUIRE(throttle.Begin("x" + std::to_string(i), "10.0.0.1", &wait));
  throttle.Succeeded("attacker", "10.0.0.1");
  CHECK(throttle.Begin("y", "10.0.0.1", &wait));
  CHECK_FALSE(throttle.Begin("z", "10.0.0.1", &wait));
}

TEST_CASE("failures with other (unknown) names in between count against the address") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  LoginThrottle throttle([&now] { return now; });
  std::chrono::seconds wait{0};
  size_t tried = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string name = i % 2 == 0 ? "officer.an" : "nobody." + std::to_string(i);
    if (throttle.Begin(name, "10.0.0.9", &wait)) ++tried;
    now += 100ms;
  }
  CHECK(tried == LoginThrottle::kMaxFailuresPerAddress);
  CHECK(wait >= 1s);
  CHECK(throttle.Begin("officer.binh", "10.0.0.10", &wait));  // another address is not held up
}

TEST_CASE("parallel attempts each count before any of them is checked") {
  LoginThrottle throttle;
  std::atomic<int> allowed{0};
  std::vector<std::thread> guessers;
  for (int i = 0; i < 16; ++i) {
    guessers.emplace_back([&, i] {
      std::chrono::seconds wait{0};
      if (throttle.Begin("officer.an", "10.0.1." + std::to_string(i), &wait)) ++allowed;
    });
  }
  for (auto& t : guessers) t.join();
  CHECK(allowed == static_cast<int>(LoginThrottle::kMaxFailuresPerName));
}

TEST_CASE("at most kConcurrentChecks password checks run at once") {
  LoginThrottle throttle;
  std::atomic<int> running{0}, most{0};
  std::vector<std::thread> checkers;
  for (int i = 0; i < 8; ++i) {
    checkers.emplace_back([&] {
      REQUIRE(throttle
                  .Check([&] {
                    const int now_running = ++running;
                    int seen = most.load();
                    while (now_running > seen && !most.compare_exchange_weak(seen, now_running)) {
                    }
                    std::this_thread::sleep_for(20ms);
                    --running;
                    return Status::Ok();
                  })
                  .ok());
    });
  }
  for (auto& t : checkers) t.join();
  CHECK(most == LoginThrottle::kConcurrentChecks);
}

}  // namespace
}  // namespace dancu::console
