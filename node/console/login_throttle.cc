#include "node/console/login_throttle.h"

namespace dancu::console {

LoginThrottle::LoginThrottle(Clock clock) : clock_(std::move(clock)) {}

void LoginThrottle::ForgetOldLocked(std::deque<std::chrono::steady_clock::time_point>& failures,
                                    std::chrono::steady_clock::time_point now) const {
  while (!failures.empty() && now - failures.front() >= kWindow) failures.pop_front();
}

bool LoginThrottle::Allowed(const std::string& officer, std::chrono::seconds* retry_after) {
  const auto now = clock_();
  std::lock_guard lock(mu_);
  auto it = failures_.find(officer);
  if (it == failures_.end()) return true;
  ForgetOldLocked(it->second, now);
  if (it->second.size() < kMaxFailures) return true;
  const auto wait = kWindow - (now - it->second.front());
  *retry_after = std::chrono::ceil<std::chrono::seconds>(wait);
  return false;
}

void LoginThrottle::Failed(const std::string& officer) {
  const auto now = clock_();
  std::lock_guard lock(mu_);
  if (failures_.size() >= kMaxNames && failures_.count(officer) == 0) {
    // Drop the name whose last failure is oldest.
    auto stalest = failures_.begin();
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
      const auto last = it->second.empty() ? std::chrono::steady_clock::time_point{} : it->second.back();
      const auto stalest_last =
          stalest->second.empty() ? std::chrono::steady_clock::time_point{} : stalest->second.back();
      if (last < stalest_last) stalest = it;
    }
    failures_.erase(stalest);
  }
  auto& failures = failures_[officer];
  ForgetOldLocked(failures, now);
  failures.push_back(now);
  while (failures.size() > kMaxFailures) failures.pop_front();
}

void LoginThrottle::Succeeded(const std::string& officer) {
  std::lock_guard lock(mu_);
  failures_.erase(officer);
}

}  // namespace dancu::console
