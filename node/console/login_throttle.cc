#include "node/console/login_throttle.h"

#include <algorithm>

namespace dancu::console {

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

void ForgetOld(std::deque<TimePoint>& failures, TimePoint now) {
  while (!failures.empty() && now - failures.front() >= LoginThrottle::kWindow) failures.pop_front();
}

}  // namespace

LoginThrottle::LoginThrottle(Clock clock) : clock_(std::move(clock)) {}

bool LoginThrottle::Window::Allowed(const std::string& key, TimePoint now,
                                    std::chrono::steady_clock::duration* wait) {
  auto it = failures.find(key);
  if (it == failures.end()) return true;
  ForgetOld(it->second, now);
  if (it->second.size() < max) return true;
  *wait = kWindow - (now - it->second.front());
  return false;
}

void LoginThrottle::Window::Add(const std::string& key, TimePoint now) {
  if (failures.size() >= kMaxKeys && failures.count(key) == 0) {
    // Drop the key whose last failure is oldest.
    const auto last = [](const Times& times) { return times.empty() ? TimePoint{} : times.back(); };
    auto stalest = std::min_element(failures.begin(), failures.end(), [&](const auto& a, const auto& b) {
      return last(a.second) < last(b.second);
    });
    failures.erase(stalest);
  }
  auto& times = failures[key];
  ForgetOld(times, now);
  times.push_back(now);
  while (times.size() > max) times.pop_front();
}

bool LoginThrottle::Begin(const std::string& officer, const std::string& address,
                          std::chrono::seconds* retry_after) {
  const auto now = clock_();
  std::lock_guard lock(mu_);
  std::chrono::steady_clock::duration by_name{0}, by_address{0};
  const bool name_ok = names_.Allowed(officer, now, &by_name);
  const bool address_ok = addresses_.Allowed(address, now, &by_address);
  if (!name_ok || !address_ok) {
    *retry_after = std::chrono::ceil<std::chrono::seconds>(std::max(by_name, by_address));
    return false;
  }
  names_.Add(officer, now);
  addresses_.Add(address, now);
  return true;
}

void LoginThrottle::Succeeded(const std::string& officer, const std::string& address) {
  std::lock_guard lock(mu_);
  names_.failures.erase(officer);
  auto it = addresses_.failures.find(address);
  if (it != addresses_.failures.end() && !it->second.empty()) it->second.pop_back();
}

Status LoginThrottle::Check(const std::function<Status()>& check) {
  checks_.acquire();
  Status status = check();
  checks_.release();
  return status;
}

}  // namespace dancu::console
