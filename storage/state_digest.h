// A digest of a whole materialized state that can be updated one record at a time.
//
// It is a lattice hash (LtHash, Bellare–Micciancio; as Facebook uses it to check replicas): each
// (record id, record bytes) pair expands to 1024 16-bit lanes, and the state is their lane-wise
// sum modulo 2^16. Adding and removing a record costs one expansion, whatever the size of the state,
// and the sum does not depend on order: equal sets of records give equal digests. The 2048-byte
// accumulator is what the store persists; Digest() is BLAKE2b-256 of it, the "state hash" users
// compare. (A 256-bit sum would be cheap but falls to generalised-birthday attacks; 16 Kib of
// lattice does not.)
//
// Value type. Not thread-safe; copy it to share.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/crypto.h"
#include "storage/status.h"

namespace dancu::storage {

class StateDigest {
 public:
  static constexpr size_t kLanes = 1024;
  static constexpr size_t kBytes = kLanes * 2;

  void Add(std::string_view record_id, std::string_view record_bytes);
  void Remove(std::string_view record_id, std::string_view record_bytes);
  Hash256 Digest() const;

  std::string Serialize() const;  // kBytes, little-endian lanes
  static Result<StateDigest> Deserialize(std::string_view bytes);

  bool operator==(const StateDigest& other) const { return lanes_ == other.lanes_; }

 private:
  static std::array<uint16_t, kLanes> Expand(std::string_view record_id,
                                             std::string_view record_bytes);
  std::array<uint16_t, kLanes> lanes_{};
};

}  // namespace dancu::storage
