#include "node/console/sessions.h"

#include <sodium.h>

#include <array>

namespace dancu::console {

namespace {

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

std::string TokenKey(std::string_view token) {
  std::array<unsigned char, crypto_generichash_BYTES> hash{};
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return Hex(hash.data(), hash.size());
}

}  // namespace

std::string RandomToken() {
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return Hex(bytes.data(), bytes.size());
}

bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size() || expected.empty()) return false;
  return sodium_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

SessionStore::SessionStore(std::chrono::milliseconds idle_timeout, Clock clock)
    : idle_timeout_(idle_timeout), clock_(std::move(clock)) {}

std::optional<SessionStore::Created> SessionStore::Create(const std::string& officer, schema::OfficerRole role) {
  Created created{RandomToken(), {officer, RandomToken(), role}};
  const auto now = clock_();
  std::lock_guard lock(mu_);
  PruneLocked(now);
  size_t own = 0;
  auto oldest_own = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.session.officer != officer) continue;
    ++own;
    if (oldest_own == sessions_.end() || it->second.last_used < oldest_own->second.last_used) {
      oldest_own = it;
    }
  }
  if (own >= kMaxSessionsPerOfficer) {
    sessions_.erase(oldest_own);
  } else if (sessions_.size() >= kMaxSessions) {
    return std::nullopt;
  }
  sessions_[TokenKey(created.token)] = Entry{created.session, now};
  return created;
}

SessionStore::Lookup SessionStore::Touch(std::string_view token, Session* out) {
  if (token.empty()) return Lookup::kMissing;
  const std::string key = TokenKey(token);
  const auto now = clock_();
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return Lookup::kMissing;
  if (now - it->second.last_used >= idle_timeout_) {
    sessions_.erase(it);
    return Lookup::kExpired;
  }
  it->second.last_used = now;
  *out = it->second.session;
  return Lookup::kOk;
}

void SessionStore::Remove(std::string_view token) {
  const std::string key = TokenKey(token);
  std::lock_guard lock(mu_);
  sessions_.erase(key);
}

void SessionStore::RemoveOfficer(const std::string& officer) {
  std::lock_guard lock(mu_);
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.session.officer == officer; });
}

void SessionStore::PruneLocked(std::chrono::steady_clock::time_point now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now - it->second.last_used >= idle_timeout_) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace dancu::console
