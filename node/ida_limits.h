// Rate limits and the replay guard of agency verification (docs/agency-verification.md).
//
// Per agency, a token bucket of `rate_per_second` tokens refilled continuously (a burst of as
// many); per (agency, citizen token), at most `per_citizen_per_hour` requests in a fixed hour
// window. A refused request learns how long to wait (Retry-After). Memory is bounded: at most
// kMaxCitizens (agency, citizen) windows are kept; past that, expired windows are dropped, and if
// none has expired every new citizen is refused until one does (an enumeration cannot grow it).
// Transactions in flight (between their replay check and their durable audit) are held here too,
// so two concurrent requests with one transaction id cannot both pass.
//
// State is in memory; a restarted node rebuilds it by admitting again, at their times, the
// requests its audit says were answered in the last kWindow (IdaService::Create).
//
// Thread-safe (one mutex). No errors: decisions only.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "node/agencies.h"

namespace dancu::node {

class IdaLimits {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kMaxCitizens = 1u << 20;
  static constexpr std::chrono::hours kWindow{1};  // of the per-citizen counts

  // 0 if the request may go on, else the seconds to wait.
  uint64_t Admit(const AgencyPolicy& agency, const std::array<uint8_t, 32>& citizen, Clock::time_point now);

  // Claims a transaction id for the time of its processing; false if it is being processed.
  bool Begin(uint64_t agency, const std::string& transaction_id);
  void End(uint64_t agency, const std::string& transaction_id);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point refilled{};
  };
  struct Window {
    Clock::time_point start{};
    uint32_t count = 0;
  };

  std::mutex mu_;
  std::map<uint64_t, Bucket> agencies_;
  std::map<std::pair<uint64_t, std::array<uint8_t, 32>>, Window> citizens_;
  std::set<std::pair<uint64_t, std::string>> in_flight_;
};

}  // namespace dancu::node
