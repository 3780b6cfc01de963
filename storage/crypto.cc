#include "storage/crypto.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace dancu::storage {

void EnsureSodium() {
  static const bool initialised = [] {
    if (sodium_init() < 0) std::abort();  // no entropy source: nothing safe can run
    return true;
  }();
  (void)initialised;
}

Hash256 Blake2b256(std::string_view bytes) {
  Hash256 out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return out;
}

uint64_t NodeIdFromKey(const PublicKey& key) {
  Hash256 h = Blake2b256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  uint64_t id = 0;
  for (int i = 0; i < 8; ++i) id = (id << 8) | h[static_cast<size_t>(i)];
  return id;
}

bool VerifySignature(const PublicKey& key, std::string_view message, const Signature& sig) {
  EnsureSodium();
  return crypto_sign_verify_detached(sig.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.data()) == 0;
}

SigningKey SigningKey::Generate() {
  EnsureSodium();
  SigningKey k;
  crypto_sign_keypair(k.public_key_.data(), k.secret_.data());
  return k;
}

SigningKey SigningKey::FromSeed(const Seed& seed) {
  EnsureSodium();
  SigningKey k;
  crypto_sign_seed_keypair(k.public_key_.data(), k.secret_.data(), seed.data());
  return k;
}

SigningKey::SigningKey(SigningKey&& other) noexcept
    : secret_(other.secret_), public_key_(other.public_key_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    public_key_ = other.public_key_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

Signature SigningKey::Sign(std::string_view message) const {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_.data());
  return sig;
}

Seed SigningKey::seed() const {
  Seed s;
  crypto_sign_ed25519_sk_to_seed(s.data(), secret_.data());
  return s;
}

std::string ToHex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool FromHex(std::string_view hex, uint8_t* out, size_t n) {
  if (hex.size() != n * 2) return false;
  size_t bin_len = 0;
  return sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &bin_len, nullptr) == 0 &&
         bin_len == n;
}

std::string IdHex(uint64_t id) {
  std::string bytes(8, '\0');
  for (size_t i = 0; i < 8; ++i) bytes[i] = static_cast<char>(id >> (56 - 8 * i));
  return ToHex(bytes);
}

}  // namespace dancu::storage
