// Officer sessions of the web console: random tokens held in memory, each with its own CSRF token.
//
// A session is created when an officer logs in. Its token (32 random bytes, hex) goes to the
// browser in an HttpOnly, SameSite=Strict cookie; its CSRF token (another 32 random bytes) goes in
// the login answer, and every state-changing request must send it back in a header, compared in
// constant time. A session that is not used for `idle_timeout` expires; so does one logged out.
// Sessions live only in this process: a restart logs everyone out.
//
// Tokens are looked up by their BLAKE2b hash, so a lookup's timing reveals nothing of the tokens
// held. An officer holds at most kMaxSessionsPerOfficer sessions: a further login of theirs ends
// their own least recently used one. At most kMaxSessions are held in all: a login beyond that is
// refused (another officer's session is never ended to make room).
//
// Thread-safety: every method may be called concurrently. Errors: none; lookups say what failed.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "storage/change.capnp.h"

namespace dancu::console {

struct Session {
  std::string officer;
  std::string csrf_token;
  schema::OfficerRole role = schema::OfficerRole::CLERK;  // the officer's role when logging in
};

class SessionStore {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr size_t kMaxSessions = 1024;
  static constexpr size_t kMaxSessionsPerOfficer = 8;

  explicit SessionStore(std::chrono::milliseconds idle_timeout,
                        Clock clock = [] { return std::chrono::steady_clock::now(); });

  struct Created {
    std::string token;  // for the cookie
    Session session;
  };
  // nullopt when kMaxSessions live sessions are held and none is `officer`'s to replace.
  std::optional<Created> Create(const std::string& officer, schema::OfficerRole role = schema::OfficerRole::CLERK);

  enum class Lookup { kOk, kMissing, kExpired };
  // Looks up the session of `token` and, when it is live, restarts its idle time and copies it to
  // `*out`. An expired session is forgotten (and reported kExpired once).
  Lookup Touch(std::string_view token, Session* out);

  void Remove(std::string_view token);
  // Ends every session of `officer`: their role changed or their account was removed, so they log
  // in again (as what they now are) or not at all.
  void RemoveOfficer(const std::string& officer);

  std::chrono::milliseconds idle_timeout() const { return idle_timeout_; }

 private:
  struct Entry {
    Session session;
    std::chrono::steady_clock::time_point last_used;
  };
  void PruneLocked(std::chrono::steady_clock::time_point now);

  const std::chrono::milliseconds idle_timeout_;
  const Clock clock_;
  std::mutex mu_;
  std::map<std::string, Entry> sessions_;  // by hex BLAKE2b-256 of the token
};

// Whether `given` equals `expected`, in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

// 32 random bytes from libsodium, as 64 lowercase hex digits.
std::string RandomToken();

}  // namespace dancu::console
