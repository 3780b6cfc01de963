// Cryptographic primitives dancu relies on, over libsodium.
//
// BLAKE2b-256 for the log's Merkle trees and record digests; Ed25519 for checkpoint and certificate
// signatures. All functions are thread-safe. SigningKey owns secret material: it is move-only and
// wipes its memory on destruction.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dancu::storage {

using Hash256 = std::array<uint8_t, 32>;
using PublicKey = std::array<uint8_t, 32>;
using Signature = std::array<uint8_t, 64>;
using Seed = std::array<uint8_t, 32>;

// Initialises libsodium once; every function below calls it, so callers need not.
void EnsureSodium();

Hash256 Blake2b256(std::string_view bytes);

// A node's id: the first 8 bytes (big-endian) of BLAKE2b-256 of its signing public key.
uint64_t NodeIdFromKey(const PublicKey& key);

bool VerifySignature(const PublicKey& key, std::string_view message, const Signature& sig);

class SigningKey {
 public:
  static SigningKey Generate();
  static SigningKey FromSeed(const Seed& seed);

  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  const PublicKey& public_key() const { return public_key_; }
  uint64_t node_id() const { return NodeIdFromKey(public_key_); }
  Signature Sign(std::string_view message) const;
  Seed seed() const;  // the 32-byte secret from which the key derives; handle with care

 private:
  SigningKey() = default;
  std::array<uint8_t, 64> secret_{};
  PublicKey public_key_{};
};

std::string ToHex(std::string_view bytes);
// A node id or origin as 16 lowercase hex digits (its 8 bytes big-endian), as every tool shows it.
std::string IdHex(uint64_t id);
template <size_t N>
std::string ToHex(const std::array<uint8_t, N>& bytes) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(bytes.data()), N));
}
// Parses lowercase or uppercase hex of exactly N bytes; false on any other input.
bool FromHex(std::string_view hex, uint8_t* out, size_t n);

inline std::string_view AsBytes(const Hash256& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace dancu::storage
