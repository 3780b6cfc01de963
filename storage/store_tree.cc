// The store's Merkle trees (store.h, docs/log-format.md): each origin's log is one tree; the tree
// family keeps the roots of its perfect subtrees of 2^kStoredTreeLevel leaves and more, and smaller
// ones are recomputed from the entries. From these the store extends a tree, proves runs of
// entries, and keeps the evidence of an origin that signed two different trees.
#include <capnp/message.h>

#include <bit>

#include "storage/canonical.h"
#include "storage/ingest.capnp.h"
#include "storage/log_format.h"
#include "storage/record_stage.h"
#include "storage/store.h"
#include "storage/store_layout.h"

namespace dancu::storage {

namespace {
std::string Entries(uint64_t origin, uint64_t first, uint64_t last) {
  return "entries " + std::to_string(first) + ".." + std::to_string(last) + " of origin " + IdHex(origin);
}
}  // namespace

Result<std::vector<Hash256>> Store::StoredLeafHashes(uint64_t origin, uint64_t first_seq, uint64_t last_seq) const {
  std::vector<Hash256> leaves;
  leaves.reserve(last_seq - first_seq + 1);
  uint64_t expected = first_seq;
  DANCU_RETURN_IF_ERROR(ScanLogFrom(origin, first_seq, [&](uint64_t, uint64_t seq, std::string_view bytes) {
    if (seq > last_seq || seq != expected) return false;
    leaves.push_back(merkle::LeafHash(bytes));
    ++expected;
    return seq < last_seq;
  }));
  if (expected != last_seq + 1) {
    return Status::Corruption("the log lacks entry " + std::to_string(expected) + " of " + Entries(origin, first_seq, last_seq));
  }
  return leaves;
}

merkle::RangeLookup Store::TreeLookup(uint64_t origin) const {
  return [this, origin](uint64_t lo, uint64_t hi) -> Result<std::optional<Hash256>> {
    const uint64_t n = hi - lo;
    if (n == 0 || !std::has_single_bit(n) || lo % n != 0) return std::optional<Hash256>();
    const auto level = static_cast<uint32_t>(std::countr_zero(n));
    if (level < layout::kStoredTreeLevel) {
      auto leaves = StoredLeafHashes(origin, lo + 1, hi);
      if (!leaves.ok()) return leaves.status();
      merkle::Frontier subtree;
      for (const Hash256& leaf : *leaves) subtree.Append(leaf);
      return std::optional<Hash256>(subtree.Root());
    }
    auto node = TreeNode(origin, level, lo >> level);
    if (!node.ok()) return node.status();
    if (!node->has_value()) return Status::Corruption("the tree lacks the node over " + Entries(origin, lo + 1, hi));
    return node;
  };
}

Result<merkle::Frontier> Store::FrontierOf(uint64_t origin) {
  if (auto it = frontiers_.find(origin); it != frontiers_.end()) return it->second;
  auto held = versions_.find(origin);
  const uint64_t size = held == versions_.end() ? 0 : held->second;
  std::vector<Hash256> nodes;
  const merkle::RangeLookup lookup = TreeLookup(origin);
  uint64_t pos = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    auto node = merkle::RangeHash(pos, pos + width, lookup);
    if (!node.ok()) return node.status();
    nodes.push_back(*node);
    pos += width;
  }
  auto frontier = merkle::Frontier::FromNodes(size, std::move(nodes));
  if (!frontier.ok()) return frontier.status();
  frontiers_.emplace(origin, *frontier);
  return frontier;
}

void Store::AppendLeaf(uint64_t origin, merkle::Frontier& frontier, const Hash256& leaf,
                       rocksdb::WriteBatch& batch) const {
  frontier.Append(leaf, [&](uint32_t level, uint64_t index, const Hash256& hash) {
    if (level >= layout::kStoredTreeLevel) batch.Put(cf_->tree, layout::TreeKey(origin, level, index), AsBytes(hash));
  });
}

Result<std::string> Store::RunProof(uint64_t origin, uint64_t first_seq, uint64_t last_seq) const {
  if (first_seq == 0 || last_seq < first_seq) return Status::InvalidArgument("an empty run has no proof");
  std::vector<uint64_t> leaves;
  leaves.reserve(last_seq - first_seq + 1);
  for (uint64_t seq = first_seq; seq <= last_seq; ++seq) leaves.push_back(seq - 1);
  auto proof = merkle::InclusionProof(last_seq, leaves, TreeLookup(origin));
  if (!proof.ok()) return proof.status();
  return PackHashes(*proof);
}

Result<std::optional<Hash256>> Store::TreeNode(uint64_t origin, uint32_t level, uint64_t index) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_->tree, layout::TreeKey(origin, level, index), &value);
  if (s.IsNotFound()) return std::optional<Hash256>();
  DANCU_RETURN_IF_ERROR(FromRocks(s, "reading the tree"));
  if (value.size() != sizeof(Hash256)) return Status::Corruption("a tree node of origin " + IdHex(origin) + " is not 32 bytes");
  Hash256 h;
  std::copy(value.begin(), value.end(), h.begin());
  return std::optional<Hash256>(h);
}

Result<Hash256> Store::TreeRoot(uint64_t origin, uint64_t size) const {
  if (size == 0) return merkle::EmptyRoot();
  return merkle::RangeHash(0, size, TreeLookup(origin));
}

Result<bool> Store::Compromised(uint64_t origin) const {
  auto found = GetMeta(std::string(layout::kCompromisedPrefix) + layout::EncodeU64(origin));
  if (!found.ok()) return found.status();
  return found->has_value();
}

}  // namespace dancu::storage
