// Slows password guessing at the console's login: after kMaxFailures failed logins for one officer
// name within kWindow, further attempts for that name are refused — even with the right password —
// until the oldest of those failures is older than kWindow. argon2id already costs each guess
// ~50 ms of a core; this bounds the guesses per officer to kMaxFailures a minute.
//
// In memory, per process; at most kMaxNames names are tracked (the stalest dropped first).
// Thread-safety: every method may be called concurrently. Errors: none.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace dancu::console {

class LoginThrottle {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr size_t kMaxFailures = 5;
  static constexpr std::chrono::seconds kWindow{60};
  static constexpr size_t kMaxNames = 4096;

  explicit LoginThrottle(Clock clock = [] { return std::chrono::steady_clock::now(); });

  // Whether a login for `officer` may be tried now; when not, `*retry_after` is how long to wait.
  bool Allowed(const std::string& officer, std::chrono::seconds* retry_after);
  void Failed(const std::string& officer);
  void Succeeded(const std::string& officer);  // forgets the name's failures

 private:
  void ForgetOldLocked(std::deque<std::chrono::steady_clock::time_point>& failures,
                       std::chrono::steady_clock::time_point now) const;

  const Clock clock_;
  std::mutex mu_;
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> failures_;
};

}  // namespace dancu::console
