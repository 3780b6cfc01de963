// Slows password guessing at the console's login. Every attempt counts as a failure of its officer
// name and of its client address from the moment it begins (so parallel guesses each count), and
// is withdrawn only when it succeeds. An attempt is refused — even with the right password — when
// its name has kMaxFailuresPerName failures, or its address kMaxFailuresPerAddress, within
// kWindow; until the oldest of them is older than kWindow. Unknown names count like known ones.
// A success forgets its name's failures, but withdraws only its own attempt from its address (an
// attacker's own account cannot clear the address's failures). At most kConcurrentChecks
// password checks (argon2id, ~50 ms of a core and 19 MiB each) run at once; more wait.
//
// In memory, per process; at most kMaxKeys names and kMaxKeys addresses are tracked (the stalest
// dropped first). Thread-safety: every method may be called concurrently. Errors: none.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <semaphore>
#include <string>

#include "storage/status.h"

namespace dancu::console {

class LoginThrottle {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr size_t kMaxFailuresPerName = 5;
  static constexpr size_t kMaxFailuresPerAddress = 20;
  static constexpr std::chrono::seconds kWindow{60};
  static constexpr size_t kMaxKeys = 4096;
  static constexpr std::ptrdiff_t kConcurrentChecks = 2;

  explicit LoginThrottle(Clock clock = [] { return std::chrono::steady_clock::now(); });

  // Begins an attempt for `officer` from `address`; false (and how long to wait in
  // `*retry_after`) when it is refused, and then it counts for nothing.
  bool Begin(const std::string& officer, const std::string& address,
             std::chrono::seconds* retry_after);
  // The attempt begun for `officer` from `address` succeeded.
  void Succeeded(const std::string& officer, const std::string& address);

  // Runs the password check `check` once fewer than kConcurrentChecks others run.
  Status Check(const std::function<Status()>& check);

 private:
  using Times = std::deque<std::chrono::steady_clock::time_point>;
  // Failures within the window for one kind of key (names, or addresses).
  struct Window {
    size_t max;
    std::map<std::string, Times> failures;
    // Whether `key` may try now; when not, sets `*wait`.
    bool Allowed(const std::string& key, std::chrono::steady_clock::time_point now,
                 std::chrono::steady_clock::duration* wait);
    void Add(const std::string& key, std::chrono::steady_clock::time_point now);
  };

  const Clock clock_;
  std::mutex mu_;
  Window names_{kMaxFailuresPerName, {}};
  Window addresses_{kMaxFailuresPerAddress, {}};
  std::counting_semaphore<kConcurrentChecks> checks_{kConcurrentChecks};
};

}  // namespace dancu::console
