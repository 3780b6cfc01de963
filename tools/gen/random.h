// The generator's source of randomness: xoshiro256** seeded through SplitMix64, and the few draws
// the generator makes from it. Every draw is specified here rather than left to <random>'s
// distributions, whose results differ between standard libraries, so that a seed gives the same
// residents on every platform.
//
// Thread-safety: a Random is a mutable value; give each thread its own. Nothing throws.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

namespace dancu::tools::gen {

// A value and its relative weight, for Random::PickWeighted.
template <typename T>
struct Weighted {
  T value;
  double weight;
};

class Random {
 public:
  explicit Random(uint64_t seed) {
    for (uint64_t& word : state_) word = SplitMix64(&seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n); n > 0. Rejection keeps it unbiased.
  uint64_t Below(uint64_t n) {
    assert(n > 0);
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const uint64_t r = Next();
      if (r >= threshold) return r % n;
    }
  }

  // Uniform in [lo, hi]; lo <= hi.
  int Between(int lo, int hi) {
    assert(lo <= hi);
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1).
  double Fraction() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // True with probability p.
  bool Chance(double p) { return Fraction() < p; }

  // An element of the non-empty `items`, each equally likely.
  template <typename T, size_t Extent>
  const T& Pick(std::span<const T, Extent> items) {
    assert(!items.empty());
    return items[Below(items.size())];
  }

  // The value of an element of `items` (positive total weight), chosen with probability
  // weight / total weight.
  template <typename T, size_t Extent>
  const T& PickWeighted(std::span<const Weighted<T>, Extent> items) {
    double total = 0;
    for (const Weighted<T>& item : items) total += item.weight;
    double point = Fraction() * total;
    for (const Weighted<T>& item : items) {
      if (point < item.weight) return item.value;
      point -= item.weight;
    }
    return items.back().value;  // rounding left `point` at the very end
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  static uint64_t SplitMix64(uint64_t* x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
};

}  // namespace dancu::tools::gen
