// Seeded mutations of valid bytes, for decoder tests: most mutants stay close enough to the valid
// input to reach the decoder's deeper checks, where random bytes are refused at the first one.
#pragma once

#include <random>
#include <string>

namespace dancu::testing {

// `bytes` with one to three bytes replaced by random values; `bytes` must not be empty.
inline std::string Mutated(std::string bytes, std::mt19937_64& rng) {
  const int flips = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < flips; ++i) bytes[rng() % bytes.size()] = static_cast<char>(rng());
  return bytes;
}

}  // namespace dancu::testing
