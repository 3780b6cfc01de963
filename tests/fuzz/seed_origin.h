// The origin whose segments, checkpoints, bundles and root certificate the fuzzers' seeds hold: a
// signing key from a fixed seed, so that the fuzzers can check signatures with it, and the time
// the seeds' certificates are valid at. Test support.
#pragma once

#include <cstdint>

#include "storage/crypto.h"

namespace dancu::fuzz {

inline constexpr uint64_t kSeedNowMs = 1717243200000ull;  // 2024-06-01 12:00 UTC

inline storage::SigningKey SeedOriginKey() {
  storage::Seed seed;
  seed.fill(0x5e);
  return storage::SigningKey::FromSeed(seed);
}

}  // namespace dancu::fuzz
