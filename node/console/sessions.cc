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

SessionStore::Created SessionStore::Create(const std::string& officer, schema::OfficerRole role) {
  Created created{RandomToken(), {officer, RandomToken(), role}};
  const auto now = clock_();
  std::lock_guard lock(mu_);
  PruneLocked(now);
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    sessions_.erase(oldest);
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
