#include "tools/sim/rng.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace dancu::sim {

namespace {

// The stream: ChaCha20 keyed by the seed, read in order.
unsigned char g_key[crypto_stream_chacha20_KEYBYTES];
uint64_t g_counter = 0;

void Buf(void* const out, const size_t size) {
  unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = {};
  std::memcpy(nonce, &g_counter, sizeof g_counter);
  ++g_counter;
  crypto_stream_chacha20(static_cast<unsigned char*>(out), size, nonce, g_key);
}

uint32_t Random() {
  uint32_t v = 0;
  Buf(&v, sizeof v);
  return v;
}

const char* Name() { return "dancu-sim-deterministic"; }

randombytes_implementation g_deterministic = {Name, Random, nullptr, nullptr, Buf, nullptr};

}  // namespace

DeterministicRandomBytes::DeterministicRandomBytes(uint64_t seed) {
  if (sodium_init() < 0) std::abort();
  std::memset(g_key, 0, sizeof g_key);
  std::memcpy(g_key, &seed, sizeof seed);
  g_counter = 0;
  randombytes_set_implementation(&g_deterministic);
}

DeterministicRandomBytes::~DeterministicRandomBytes() {
  randombytes_set_implementation(&randombytes_sysrandom_implementation);
}

}  // namespace dancu::sim
