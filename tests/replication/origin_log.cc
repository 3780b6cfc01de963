#include "tests/replication/origin_log.h"

#include <catch2/catch.hpp>

namespace dancu::testing {

OriginLog::OriginLog(const std::vector<int>& batches) : store(OpenStore(dir.Sub("db"))) {
  uint32_t serial = 1;
  for (int size : batches) {
    std::vector<storage::Draft> drafts;
    for (int i = 0; i < size; ++i) {
      drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(serial++)));
    }
    AppendAll(*store, std::move(drafts), key);
  }
  REQUIRE(store->ScanLog([&](uint64_t, uint64_t, std::string_view bytes) {
    entries.emplace_back(bytes);
    return true;
  }).ok());
  REQUIRE(store->ScanCheckpoints([&](uint64_t, uint64_t seq, std::string_view bytes) {
    checkpoints.emplace(seq, bytes);
    return true;
  }).ok());
}

std::vector<std::string_view> OriginLog::Entries(uint64_t first, uint64_t last) const {
  return {entries.begin() + static_cast<ptrdiff_t>(first - 1), entries.begin() + static_cast<ptrdiff_t>(last)};
}

std::string OriginLog::Proof(uint64_t first, uint64_t last) const {
  auto proof = store->RunProof(origin(), first, last);
  REQUIRE(proof.ok());
  return *proof;
}

}  // namespace dancu::testing
