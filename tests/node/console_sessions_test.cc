// Console sessions: random tokens, idle expiry, constant-time CSRF comparison.
#include <catch2/catch.hpp>
#include <vector>

#include "node/console/sessions.h"

namespace dancu::console {
namespace {

using namespace std::chrono_literals;

TEST_CASE("sessions expire after their idle time, and use keeps them alive") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  SessionStore sessions(10min, [&now] { return now; });
  auto created = *sessions.Create("officer.an");
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
  auto a = *sessions.Create("officer.an");
  auto b = *sessions.Create("officer.binh");
  CHECK(a.token != b.token);
  Session seen;
  CHECK(sessions.Touch("", &seen) == SessionStore::Lookup::kMissing);
  CHECK(sessions.Touch(std::string(64, '0'), &seen) == SessionStore::Lookup::kMissing);
  sessions.Remove(a.token);
  CHECK(sessions.Touch(a.token, &seen) == SessionStore::Lookup::kMissing);
  REQUIRE(sessions.Touch(b.token, &seen) == SessionStore::Lookup::kOk);
  CHECK(seen.officer == "officer.binh");
}

TEST_CASE("an officer's logins beyond kMaxSessionsPerOfficer end their own oldest session only") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  SessionStore sessions(10min, [&now] { return now; });
  const auto binh = *sessions.Create("officer.binh");
  std::vector<SessionStore::Created> an;
  for (size_t i = 0; i < SessionStore::kMaxSessionsPerOfficer; ++i) {
    now += 1s;
    an.push_back(*sessions.Create("officer.an"));
  }
  Session seen;
  now += 1s;
  REQUIRE(sessions.Touch(an[0].token, &seen) == SessionStore::Lookup::kOk);  // now an's newest
  for (int i = 0; i < 1024; ++i) REQUIRE(sessions.Create("officer.an"));
  CHECK(sessions.Touch(binh.token, &seen) == SessionStore::Lookup::kOk);
  CHECK(seen.officer == "officer.binh");
  CHECK(sessions.Touch(an[1].token, &seen) == SessionStore::Lookup::kMissing);
}

TEST_CASE("when kMaxSessions are held a new officer's login is refused, and nobody is evicted") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  SessionStore sessions(10min, [&now] { return now; });
  std::vector<SessionStore::Created> held;
  for (size_t i = 0; i < SessionStore::kMaxSessions; ++i) {
    now += 1ms;
    held.push_back(*sessions.Create("officer." + std::to_string(i / SessionStore::kMaxSessionsPerOfficer)));
  }
  CHECK_FALSE(sessions.Create("officer.late"));
  // An officer at their own cap may still log in: their own oldest session makes room.
  CHECK(sessions.Create("officer.0"));
  Session seen;
  CHECK(sessions.Touch(held[0].token, &seen) == SessionStore::Lookup::kMissing);
  for (size_t i = 1; i < held.size(); ++i) {
    REQUIRE(sessions.Touch(held[i].token, &seen) == SessionStore::Lookup::kOk);
  }
  now += 11min;  // all expired: room again
  CHECK(sessions.Create("officer.late"));
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
