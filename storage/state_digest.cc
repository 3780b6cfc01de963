#include "storage/state_digest.h"

#include <sodium.h>

#include <bit>
#include <cstring>

namespace dancu::storage {

static_assert(std::endian::native == std::endian::little, "lanes are read as little-endian");

std::array<uint16_t, StateDigest::kLanes> StateDigest::Expand(std::string_view record_id,
                                                              std::string_view record_bytes) {
  // key = BLAKE2b-256(len(id) || id || bytes); lanes = XChaCha20 keystream under that key.
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_stream_xchacha20_KEYBYTES);
  const uint64_t id_len = record_id.size();
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&id_len), sizeof id_len);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(record_id.data()),
                            record_id.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(record_bytes.data()),
                            record_bytes.size());
  unsigned char key[crypto_stream_xchacha20_KEYBYTES];
  crypto_generichash_final(&state, key, sizeof key);
  static const unsigned char kNonce[crypto_stream_xchacha20_NONCEBYTES] = {};
  std::array<uint16_t, kLanes> lanes;
  crypto_stream_xchacha20(reinterpret_cast<unsigned char*>(lanes.data()), kBytes, kNonce, key);
  return lanes;
}

void StateDigest::Add(std::string_view record_id, std::string_view record_bytes) {
  auto lanes = Expand(record_id, record_bytes);
  for (size_t i = 0; i < kLanes; ++i) lanes_[i] = static_cast<uint16_t>(lanes_[i] + lanes[i]);
}

void StateDigest::Remove(std::string_view record_id, std::string_view record_bytes) {
  auto lanes = Expand(record_id, record_bytes);
  for (size_t i = 0; i < kLanes; ++i) lanes_[i] = static_cast<uint16_t>(lanes_[i] - lanes[i]);
}

Hash256 StateDigest::Digest() const { return Blake2b256(Serialize()); }

std::string StateDigest::Serialize() const {
  std::string out(kBytes, '\0');
  for (size_t i = 0; i < kLanes; ++i) {
    out[2 * i] = static_cast<char>(lanes_[i] & 0xff);
    out[2 * i + 1] = static_cast<char>(lanes_[i] >> 8);
  }
  return out;
}

Result<StateDigest> StateDigest::Deserialize(std::string_view bytes) {
  if (bytes.size() != kBytes) return Status::Corruption("state digest is not 2048 bytes");
  StateDigest d;
  for (size_t i = 0; i < kLanes; ++i) {
    d.lanes_[i] = static_cast<uint16_t>(static_cast<uint8_t>(bytes[2 * i]) |
                                        (static_cast<uint8_t>(bytes[2 * i + 1]) << 8));
  }
  return d;
}

}  // namespace dancu::storage
