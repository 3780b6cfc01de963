// CurveZMQ keys: Curve25519 key pairs as libsodium's crypto_box makes them.
//
// Keys are raw 32-byte arrays everywhere (libzmq accepts them as they are; no Z85 text is needed).
// CurveKeyPair owns secret material: move-only, wiped on destruction. Thread-safe functions.
#pragma once

#include <array>
#include <cstdint>

namespace dancu::replication {

using CurveKey = std::array<uint8_t, 32>;

struct CurveKeyPair {
  CurveKey public_key{};
  CurveKey secret_key{};

  static CurveKeyPair Generate();
  // The pair of a secret key (node/key_file.h keeps the node's).
  static CurveKeyPair FromSecret(const CurveKey& secret);

  CurveKeyPair() = default;
  CurveKeyPair(CurveKeyPair&& other) noexcept;
  CurveKeyPair& operator=(CurveKeyPair&& other) noexcept;
  CurveKeyPair(const CurveKeyPair&) = delete;
  CurveKeyPair& operator=(const CurveKeyPair&) = delete;
  ~CurveKeyPair();
};

}  // namespace dancu::replication
