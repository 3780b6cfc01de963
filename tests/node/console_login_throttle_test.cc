// The console's login throttle: five failures a minute per officer name, then a wait.
#include <catch2/catch.hpp>

#include "node/console/login_throttle.h"

namespace dancu::console {
namespace {

using namespace std::chrono_literals;

TEST_CASE("after five failures in a minute an officer name waits; others do not") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  LoginThrottle throttle([&now] { return now; });
  std::chrono::seconds wait{0};
  for (int i = 0; i < 5; ++i) {
    REQUIRE(throttle.Allowed("officer.an", &wait));
    throttle.Failed("officer.an");
    now += 5s;
  }
  CHECK_FALSE(throttle.Allowed("officer.an", &wait));
  CHECK(wait == 35s);  // the first failure, 25 s ago, leaves the window in 35 s
  CHECK(throttle.Allowed("officer.binh", &wait));
  now += 34s;
  CHECK_FALSE(throttle.Allowed("officer.an", &wait));
  now += 1s;
  CHECK(throttle.Allowed("officer.an", &wait));  // four failures within the minute now
  throttle.Failed("officer.an");
  CHECK_FALSE(throttle.Allowed("officer.an", &wait));
}

TEST_CASE("a successful login forgets the failures") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  LoginThrottle throttle([&now] { return now; });
  std::chrono::seconds wait{0};
  for (int i = 0; i < 4; ++i) throttle.Failed("officer.an");
  REQUIRE(throttle.Allowed("officer.an", &wait));
  throttle.Succeeded("officer.an");
  for (int i = 0; i < 4; ++i) throttle.Failed("officer.an");
  CHECK(throttle.Allowed("officer.an", &wait));
}

}  // namespace
}  // namespace dancu::console
