#include "node/ida_limits.h"

#include <algorithm>
#include <cmath>

namespace dancu::node {

namespace {
constexpr auto kHour = IdaLimits::kWindow;

uint64_t SecondsUntil(IdaLimits::Clock::duration d) {
  return std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(std::chrono::duration<double>(d).count())));
}
}  // namespace

uint64_t IdaLimits::Admit(const AgencyPolicy& agency, const std::array<uint8_t, 32>& citizen, Clock::time_point now) {
  std::lock_guard lock(mu_);
  const double rate = std::max<uint32_t>(agency.rate_per_second, 1);
  auto [bucket_it, new_agency] = agencies_.try_emplace(agency.id, Bucket{rate, now});
  Bucket& bucket = bucket_it->second;
  if (!new_agency) {
    const double elapsed = std::chrono::duration<double>(now - bucket.refilled).count();
    bucket.tokens = std::min(rate, bucket.tokens + elapsed * rate);
    bucket.refilled = now;
  }
  if (bucket.tokens < 1) {
    return SecondsUntil(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>((1 - bucket.tokens) / rate)));
  }

  const auto key = std::make_pair(agency.id, citizen);
  auto window = citizens_.find(key);
  if (window != citizens_.end() && now - window->second.start >= kHour) {
    citizens_.erase(window);
    window = citizens_.end();
  }
  if (window == citizens_.end()) {
    if (citizens_.size() >= kMaxCitizens) {
      std::erase_if(citizens_, [&](const auto& entry) { return now - entry.second.start >= kHour; });
      if (citizens_.size() >= kMaxCitizens) return SecondsUntil(kHour / 60);
    }
    window = citizens_.emplace(key, Window{now, 0}).first;
  }
  if (window->second.count >= std::max<uint32_t>(agency.per_citizen_per_hour, 1)) {
    return SecondsUntil(window->second.start + kHour - now);
  }
  ++window->second.count;
  bucket.tokens -= 1;
  return 0;
}

bool IdaLimits::Begin(uint64_t agency, const std::string& transaction_id) {
  std::lock_guard lock(mu_);
  return in_flight_.emplace(agency, transaction_id).second;
}

void IdaLimits::End(uint64_t agency, const std::string& transaction_id) {
  std::lock_guard lock(mu_);
  in_flight_.erase({agency, transaction_id});
}

}  // namespace dancu::node
