// Console sessions: random tokens, idle expiry, constant-time CSRF comparison.
#include <catch2/catch.hpp>

#include "node/console/sessions.h"

namespace dancu::console {
namespace {

using namespace std::chrono_literals;

TEST_CASE("sessions expire after their idle time, and use keeps them alive") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  SessionStore sessions(10min, [&now] { return now; });
  auto created = sessions.Create("officer.an");
  CHECK(created.token.size() == 64);
  CHECK(created.session.csrf_token.size() == 64);
  CHECK(created.token != created.session.csrf_token);

  Session seen;
  now += 9min;
  REQUIRE(sessions.Touch(created.token, &seen) == SessionStore::Lookup::kOk);
  CHECK(seen.officer == "officer.an");
  CHECK(seen.csrf_token == created.session.csrf_token);
  now += 9min;  // 18 minutes after login, 9 after last use
  CHECK(sessions.Touch(created.token, &seen) == SessionStore::Lookup::kOk);
  now += 10min;
  CHECK(sessions.Touch(created.token, &seen) == SessionStore::Lookup::kExpired);
  CHECK(sessions.Touch(created.token, &seen) == SessionStore::Lookup::kMissing);
}

TEST_CASE("unknown, empty and removed tokens find no session") {
  SessionStore sessions(10min);
  auto a = sessions.Create("officer.an");
  auto b = sessions.Create("officer.binh");
  CHECK(a.token != b.token);
  Session seen;
  CHECK(sessions.Touch("", &seen) == SessionStore::Lookup::kMissing);
  CHECK(sessions.Touch(std::string(64, '0'), &seen) == SessionStore::Lookup::kMissing);
  sessions.Remove(a.token);
  CHECK(sessions.Touch(a.token, &seen) == SessionStore::Lookup::kMissing);
  REQUIRE(sessions.Touch(b.token, &seen) == SessionStore::Lookup::kOk);
  CHECK(seen.officer == "officer.binh");
}

TEST_CASE("at most kMaxSessions are held; the least recently used goes first") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  SessionStore sessions(10min, [&now] { return now; });
  auto first = sessions.Create("first");
  now += 1s;
  auto second = sessions.Create("second");
  now += 1s;
  for (size_t i = 2; i < SessionStore::kMaxSessions; ++i) sessions.Create("x");
  now += 1s;
  Session seen;
  REQUIRE(sessions.Touch(first.token, &seen) == SessionStore::Lookup::kOk);  // now the newest
  sessions.Create("one too many");
  CHECK(sessions.Touch(second.token, &seen) == SessionStore::Lookup::kMissing);
  CHECK(sessions.Touch(first.token, &seen) == SessionStore::Lookup::kOk);
}

TEST_CASE("CSRF tokens compare in constant time and only when equal") {
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abd", "abc"));
  CHECK_FALSE(ConstantTimeEquals("ab", "abc"));
  CHECK_FALSE(ConstantTimeEquals("", ""));  // no token is never a match
  CHECK(RandomToken() != RandomToken());
}

}  // namespace
}  // namespace dancu::console
