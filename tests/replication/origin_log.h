// Test support for replication: a real Store holding one origin's log, appended in batches of
// given sizes, with its entries and checkpoints read back.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/crypto.h"
#include "storage/store.h"
#include "tests/support/test_node.h"

namespace dancu::testing {

struct OriginLog {
  TempDir dir;
  storage::SigningKey key = storage::SigningKey::Generate();
  std::unique_ptr<storage::Store> store;
  std::vector<std::string> entries;               // entries[i] is seq i + 1
  std::map<uint64_t, std::string> checkpoints;    // seq -> canonical Checkpoint

  // Appends one batch of `size` new residents per element of `batches`.
  explicit OriginLog(const std::vector<int>& batches);

  uint64_t origin() const { return key.node_id(); }
  // The entries of seqs first..last, as views.
  std::vector<std::string_view> Entries(uint64_t first, uint64_t last) const;
  // Their inclusion proof in the tree of `last` entries.
  std::string Proof(uint64_t first, uint64_t last) const;
};

}  // namespace dancu::testing
