// The simulator's only sources of randomness, both seeded: a PRNG for every decision the simulator
// makes, and a deterministic replacement for libsodium's randombytes while the simulated world is
// created (node keys), so that a seed replays exactly in any process.
//
// Never std::random_device, never the time. Not thread-safe: the simulator runs on one thread.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

namespace dancu::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  // Uniform in [0, n); 0 when n == 0. (Not std::uniform_int_distribution: its algorithm is the
  // library's choice, and a seed must replay the same with any standard library.)
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  // Uniform in [lo, hi].
  uint64_t Between(uint64_t lo, uint64_t hi) { return lo + Below(hi - lo + 1); }
  int64_t BetweenSigned(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with probability `p` (resolution 2^-32).
  bool Chance(double p) {
    if (p <= 0) return false;
    const double u = static_cast<double>(Next() >> 32) / 4294967296.0;
    return u < p;
  }

 private:
  std::mt19937_64 engine_;
};

// While alive, libsodium's randombytes draws from a stream seeded with `seed` (keys generated
// meanwhile are a function of the seed); the system's generator is restored on destruction.
class DeterministicRandomBytes {
 public:
  explicit DeterministicRandomBytes(uint64_t seed);
  ~DeterministicRandomBytes();
  DeterministicRandomBytes(const DeterministicRandomBytes&) = delete;
  DeterministicRandomBytes& operator=(const DeterministicRandomBytes&) = delete;
};

// FNV-1a, 64 bits: the hash of the event trace (stable across platforms and runs).
class TraceHash {
 public:
  void Add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      h_ ^= c;
      h_ *= 0x100000001b3ull;
    }
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace dancu::sim
