#include "storage/merkle.h"

#include <algorithm>
#include <bit>
#include <span>
#include <string>

namespace dancu::storage::merkle {

Hash256 LeafHash(std::string_view entry) {
  std::string buf;
  buf.reserve(1 + entry.size());
  buf.push_back('\x00');
  buf.append(entry);
  return Blake2b256(buf);
}

Hash256 NodeHash(const Hash256& left, const Hash256& right) {
  char buf[1 + 2 * 32];
  buf[0] = '\x01';
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 1 + 32);
  return Blake2b256(std::string_view(buf, sizeof buf));
}

Hash256 EmptyRoot() { return Blake2b256(""); }

uint64_t SplitPoint(uint64_t n) { return n < 2 ? 0 : std::bit_floor(n - 1); }

// ---- Frontier ----

Result<Frontier> Frontier::FromNodes(uint64_t size, std::vector<Hash256> nodes) {
  if (nodes.size() != static_cast<size_t>(std::popcount(size))) {
    return Status::InvalidArgument("merkle frontier of size " + std::to_string(size) + " needs " +
                                   std::to_string(std::popcount(size)) + " nodes, got " +
                                   std::to_string(nodes.size()));
  }
  return Frontier(size, std::move(nodes));
}

void Frontier::Append(
    const Hash256& leaf_hash,
    const std::function<void(uint32_t level, uint64_t index, const Hash256& hash)>& completed) {
  // Like a binary increment: each trailing one bit of size_ is a perfect subtree that the new leaf's
  // subtree, of the same height, now completes into one twice as large.
  Hash256 hash = leaf_hash;
  uint32_t level = 0;
  if (completed) completed(0, size_, hash);
  while ((size_ >> level) & 1) {
    hash = NodeHash(nodes_.back(), hash);
    nodes_.pop_back();
    ++level;
    if (completed) completed(level, size_ >> level, hash);
  }
  nodes_.push_back(hash);
  ++size_;
}

Hash256 Frontier::Root() const {
  if (nodes_.empty()) return EmptyRoot();
  // MTH splits off the largest perfect subtree on the left and recurses on the rest: fold from the
  // smallest subtree leftwards.
  Hash256 root = nodes_.back();
  for (size_t i = nodes_.size() - 1; i-- > 0;) root = NodeHash(nodes_[i], root);
  return root;
}

// ---- Range hashes ----

Result<Hash256> RangeHash(uint64_t lo, uint64_t hi, const RangeLookup& lookup) {
  if (lo >= hi) {
    return Status::InvalidArgument("merkle range [" + std::to_string(lo) + ", " +
                                   std::to_string(hi) + ") is empty");
  }
  Result<std::optional<Hash256>> known = lookup(lo, hi);
  if (!known.ok()) return known.status();
  if (known->has_value()) return **known;
  if (hi - lo == 1) return Status::NotFound("merkle leaf " + std::to_string(lo) + " is unknown");
  uint64_t mid = lo + SplitPoint(hi - lo);
  Result<Hash256> left = RangeHash(lo, mid, lookup);
  if (!left.ok()) return left;
  Result<Hash256> right = RangeHash(mid, hi, lookup);
  if (!right.ok()) return right;
  return NodeHash(*left, *right);
}

RangeLookup LookupOverLeaves(const std::vector<Hash256>& leaf_hashes) {
  return [&leaf_hashes](uint64_t lo, uint64_t hi) -> Result<std::optional<Hash256>> {
    if (hi - lo == 1 && lo < leaf_hashes.size()) return std::optional<Hash256>(leaf_hashes[lo]);
    return std::optional<Hash256>();
  };
}

// ---- Inclusion multi-proofs ----

namespace {

// The walk of InclusionProof over [lo, hi), where `leaves` are the wanted indices inside it.
Status ProveRange(uint64_t lo, uint64_t hi, std::span<const uint64_t> leaves,
                  const RangeLookup& lookup, std::vector<Hash256>& proof) {
  if (leaves.empty()) {
    Result<Hash256> h = RangeHash(lo, hi, lookup);
    if (!h.ok()) return h.status();
    proof.push_back(*h);
    return Status::Ok();
  }
  if (hi - lo == 1) return Status::Ok();  // the wanted leaf itself: the verifier has it
  uint64_t mid = lo + SplitPoint(hi - lo);
  auto split = std::lower_bound(leaves.begin(), leaves.end(), mid);
  size_t n_left = static_cast<size_t>(split - leaves.begin());
  DANCU_RETURN_IF_ERROR(ProveRange(lo, mid, leaves.first(n_left), lookup, proof));
  return ProveRange(mid, hi, leaves.subspan(n_left), lookup, proof);
}

// The same walk, rebuilding hashes: proof hashes are consumed in the order ProveRange emits them.
// Each call either consumes a hash, returns a given leaf, or splits a range holding a given leaf, so
// the work is bounded by the proof's length plus 64 per leaf, whatever the claimed size.
Result<Hash256> FoldRange(uint64_t lo, uint64_t hi, std::span<const IndexedLeaf> leaves,
                          const std::vector<Hash256>& proof, size_t& next) {
  if (leaves.empty()) {
    if (next == proof.size()) return Status::Corruption("merkle inclusion proof is too short");
    return proof[next++];
  }
  if (hi - lo == 1) return leaves.front().hash;  // indices are distinct: exactly one leaf here
  uint64_t mid = lo + SplitPoint(hi - lo);
  auto split = std::lower_bound(leaves.begin(), leaves.end(), mid,
                                [](const IndexedLeaf& leaf, uint64_t i) { return leaf.index < i; });
  size_t n_left = static_cast<size_t>(split - leaves.begin());
  Result<Hash256> left = FoldRange(lo, mid, leaves.first(n_left), proof, next);
  if (!left.ok()) return left;
  Result<Hash256> right = FoldRange(mid, hi, leaves.subspan(n_left), proof, next);
  if (!right.ok()) return right;
  return NodeHash(*left, *right);
}

// Why `indices` (read through `index_of`) cannot name leaves of a tree of `size`, or "" if they can.
template <typename T, typename IndexOf>
std::string BadLeaves(uint64_t size, const std::vector<T>& leaves, IndexOf index_of) {
  if (leaves.empty()) return "no leaves given";
  for (size_t i = 0; i < leaves.size(); ++i) {
    uint64_t index = index_of(leaves[i]);
    if (index >= size) {
      return "leaf " + std::to_string(index) + " is beyond tree size " + std::to_string(size);
    }
    if (i > 0 && index <= index_of(leaves[i - 1])) {
      return "leaf indices are not sorted and distinct at " + std::to_string(index);
    }
  }
  return "";
}

}  // namespace

Result<std::vector<Hash256>> InclusionProof(uint64_t size, const std::vector<uint64_t>& leaves,
                                            const RangeLookup& lookup) {
  std::string bad = BadLeaves(size, leaves, [](uint64_t i) { return i; });
  if (!bad.empty()) return Status::InvalidArgument("merkle inclusion proof: " + bad);
  std::vector<Hash256> proof;
  DANCU_RETURN_IF_ERROR(ProveRange(0, size, leaves, lookup, proof));
  return proof;
}

Result<Hash256> RootFromInclusionProof(uint64_t size, const std::vector<IndexedLeaf>& leaves,
                                       const std::vector<Hash256>& proof) {
  std::string bad = BadLeaves(size, leaves, [](const IndexedLeaf& l) { return l.index; });
  if (!bad.empty()) return Status::Corruption("merkle inclusion proof: " + bad);
  size_t next = 0;
  Result<Hash256> root = FoldRange(0, size, leaves, proof, next);
  if (!root.ok()) return root;
  // A longer proof would still give the right root; accepting it would let junk ride along.
  if (next != proof.size()) return Status::Corruption("merkle inclusion proof is too long");
  return root;
}

// ---- Consistency proofs ----

namespace {

// RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], whole): `whole` says D[lo:lo+m] is the entire old tree,
// whose root the verifier already holds.
Status SubProof(uint64_t m, uint64_t lo, uint64_t hi, bool whole, const RangeLookup& lookup,
                std::vector<Hash256>& proof) {
  uint64_t from = lo, to = hi;  // the range whose hash this level appends
  if (m == hi - lo) {
    if (whole) return Status::Ok();
  } else {
    uint64_t k = SplitPoint(hi - lo);
    if (m <= k) {
      DANCU_RETURN_IF_ERROR(SubProof(m, lo, lo + k, whole, lookup, proof));
      from = lo + k;
    } else {
      DANCU_RETURN_IF_ERROR(SubProof(m - k, lo + k, hi, false, lookup, proof));
      to = lo + k;
    }
  }
  Result<Hash256> h = RangeHash(from, to, lookup);
  if (!h.ok()) return h.status();
  proof.push_back(*h);
  return Status::Ok();
}

// The old and new hashes of a range, as a consistency proof rebuilds them.
struct Rebuilt {
  Hash256 old_hash;
  Hash256 new_hash;
};

// Verifies by replaying SUBPROOF(m, D[0:n], whole) over sizes alone, consuming proof hashes in the
// order SubProof emits them. This computes what RFC 9162 §2.1.4.2's bit-walk computes (the old
// root from the hashes covering the old leaves, the new root from all of them); it is written as
// the mirror of the generator so the two are checked to match at a glance. At most 64 levels deep,
// since n at least halves each level.
Result<Rebuilt> Rebuild(uint64_t m, uint64_t n, bool whole, const Hash256& old_root,
                        const std::vector<Hash256>& proof, size_t& next) {
  auto take = [&]() -> Result<Hash256> {
    if (next == proof.size()) return Status::Corruption("merkle consistency proof is too short");
    return proof[next++];
  };
  if (m == n) {
    if (whole) return Rebuilt{old_root, old_root};  // a node of the new tree: its hash is given
    Result<Hash256> h = take();
    if (!h.ok()) return h.status();
    return Rebuilt{*h, *h};
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {  // the old tree lies within the left subtree; the right one is new
    Result<Rebuilt> left = Rebuild(m, k, whole, old_root, proof, next);
    if (!left.ok()) return left;
    Result<Hash256> right = take();
    if (!right.ok()) return right.status();
    return Rebuilt{left->old_hash, NodeHash(left->new_hash, *right)};
  }
  // The left subtree is complete in both trees; the old tree ends inside the right one.
  Result<Rebuilt> right = Rebuild(m - k, n - k, false, old_root, proof, next);
  if (!right.ok()) return right;
  Result<Hash256> left = take();
  if (!left.ok()) return left.status();
  return Rebuilt{NodeHash(*left, right->old_hash), NodeHash(*left, right->new_hash)};
}

}  // namespace

Result<std::vector<Hash256>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                              const RangeLookup& lookup) {
  if (old_size > new_size) {
    return Status::InvalidArgument("merkle consistency proof from size " +
                                   std::to_string(old_size) + " to smaller size " +
                                   std::to_string(new_size));
  }
  std::vector<Hash256> proof;
  if (old_size == 0) return proof;  // the empty tree is a prefix of every tree
  DANCU_RETURN_IF_ERROR(SubProof(old_size, 0, new_size, true, lookup, proof));
  return proof;
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash256& old_root,
                         const Hash256& new_root, const std::vector<Hash256>& proof) {
  const std::string sizes = "merkle consistency from size " + std::to_string(old_size) + " to " +
                            std::to_string(new_size) + ": ";
  if (old_size > new_size) return Status::Corruption(sizes + "the new size is smaller");
  if (old_size == 0) {
    if (!proof.empty()) return Status::Corruption(sizes + "proof must be empty");
    if (old_root != EmptyRoot()) return Status::Corruption(sizes + "old root is not the empty root");
    return Status::Ok();
  }
  size_t next = 0;
  Result<Rebuilt> r = Rebuild(old_size, new_size, true, old_root, proof, next);
  if (!r.ok()) return Status::Corruption(sizes + "proof is too short");  // Rebuild's only error
  if (next != proof.size()) return Status::Corruption(sizes + "proof is too long");
  if (r->old_hash != old_root) return Status::Corruption(sizes + "proof does not give the old root");
  if (r->new_hash != new_root) return Status::Corruption(sizes + "proof does not give the new root");
  return Status::Ok();
}

}  // namespace dancu::storage::merkle
