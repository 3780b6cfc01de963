// The Merkle tree over an origin's change log: RFC 9162 (Certificate Transparency v2) §2.1 with
// BLAKE2b-256 in place of SHA-256.
//
// Leaf index i (0-based) holds the canonical bytes of the entry with seq i + 1. The tree of n leaves
// has root MTH(D[0:n]): a leaf hashes as H(0x00 || entry), an inner node as H(0x01 || left || right),
// and a range of n > 1 leaves splits at k, the largest power of two below n (§2.1.1). Inclusion
// proofs (generalised here to several leaves at once) show entries belong to a signed root;
// consistency proofs (§2.1.4) show a newer root extends an older one, so a peer can check that an
// origin never rewrote its log without fetching it.
//
// Ownership: every function takes its inputs by reference for the call only and returns values. A
// RangeLookup is the caller's: it is called during the call and not kept. Frontier is a value type
// owning its nodes.
//
// Thread-safety: pure functions, thread-safe (as far as the caller's RangeLookup is). A Frontier is
// not synchronised: concurrent const calls are safe, an Append needs exclusive access.
//
// Errors: proofs and sizes may come from a hostile peer. Every check of received data returns
// Corruption naming what failed (wrong proof length, bad leaf indices, mismatched root) and costs
// time bounded by the proof and the leaves given, never by the claimed sizes: recursion follows the
// tree's split points, at most 64 levels deep. Proof generation returns the lookup's error, NotFound
// for a leaf the lookup does not know, and InvalidArgument for bad sizes or leaf indices.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "storage/crypto.h"
#include "storage/status.h"

namespace dancu::storage::merkle {

Hash256 LeafHash(std::string_view entry);                     // BLAKE2b-256(0x00 || entry)
Hash256 NodeHash(const Hash256& left, const Hash256& right);  // BLAKE2b-256(0x01 || left || right)
Hash256 EmptyRoot();                                          // BLAKE2b-256 of the empty string

// The largest power of two strictly less than n (n >= 2): RFC 9162's split point k. 0 for n < 2.
uint64_t SplitPoint(uint64_t n);

// The right edge of a tree of `size` leaves: the roots of its perfect subtrees, largest first (one
// per set bit of size). It is all a writer needs to keep to extend the tree and know its root.
// Append extends it in O(log n) amortised; Root() folds them.
class Frontier {
 public:
  Frontier() = default;
  // nodes: the perfect-subtree roots for `size`, largest first; InvalidArgument if their count is
  // not popcount(size).
  static Result<Frontier> FromNodes(uint64_t size, std::vector<Hash256> nodes);
  // Appends a leaf hash (size must stay below 2^64 - 1). `completed`, if given, is called for every
  // perfect subtree this append completes, bottom up, starting with the leaf itself at level 0:
  // (level, index, hash), where the subtree at (level, index) covers leaves
  // [index << level, (index + 1) << level). A store keeps these to answer RangeLookups.
  void Append(const Hash256& leaf_hash,
              const std::function<void(uint32_t level, uint64_t index, const Hash256& hash)>&
                  completed = nullptr);
  uint64_t size() const { return size_; }
  Hash256 Root() const;  // MTH of leaves [0, size); EmptyRoot() at size 0
  const std::vector<Hash256>& nodes() const { return nodes_; }  // largest first

 private:
  Frontier(uint64_t size, std::vector<Hash256> nodes) : size_(size), nodes_(std::move(nodes)) {}
  uint64_t size_ = 0;
  std::vector<Hash256> nodes_;
};

// The hash of the subtree over leaves [lo, hi) as RFC 9162's recursion splits a tree (every range
// the recursion visits is either a perfect aligned subtree or ends at the tree's size). A lookup
// answers the ranges it knows (nullopt when it does not); RangeHash asks it first and otherwise
// splits [lo, hi) at lo + SplitPoint(hi - lo) and recurses. A single leaf the lookup does not know
// is NotFound; lo >= hi is InvalidArgument.
using RangeLookup = std::function<Result<std::optional<Hash256>>(uint64_t lo, uint64_t hi)>;
Result<Hash256> RangeHash(uint64_t lo, uint64_t hi, const RangeLookup& lookup);

// A lookup answering single leaves [i, i + 1) from `leaf_hashes` and nothing else, for tests and
// callers holding all leaves in memory. It references the vector: the caller keeps it alive.
RangeLookup LookupOverLeaves(const std::vector<Hash256>& leaf_hashes);

// A multi-proof: the inclusion of the sorted, distinct leaf indices `leaves` (non-empty, each <
// size) in the tree of `size` leaves. Walk RFC 9162's recursion over [0, size) depth first, left
// before right: a range holding none of `leaves` contributes its RangeHash and is not entered; a
// range of one leaf that is in `leaves` contributes nothing. The proof is the contributed hashes in
// walk order. For one leaf it holds exactly the hashes of RFC 9162's inclusion path (§2.1.3.1),
// ordered by their place in the tree, left to right, rather than leaf side first. For a contiguous
// run of r leaves of a tree of n it is at most 2*ceil(log2(n)) hashes, whatever r. InvalidArgument
// for bad `leaves`.
Result<std::vector<Hash256>> InclusionProof(uint64_t size, const std::vector<uint64_t>& leaves,
                                            const RangeLookup& lookup);

// The root that `leaves` (non-empty, sorted by index, distinct, each index < size) and `proof` give
// for a tree of `size`; Corruption if the proof has too few or too many hashes, or the leaves are
// empty, unsorted, repeated or out of range. The caller compares the root with a signed one.
struct IndexedLeaf {
  uint64_t index;
  Hash256 hash;
};
Result<Hash256> RootFromInclusionProof(uint64_t size, const std::vector<IndexedLeaf>& leaves,
                                       const std::vector<Hash256>& proof);

// RFC 9162 §2.1.4 consistency proof between sizes old_size <= new_size (old_size >= 1; the proof
// from size 0, or between equal sizes, is empty). InvalidArgument for old_size > new_size.
Result<std::vector<Hash256>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                              const RangeLookup& lookup);

// Ok when `proof` shows the tree of old_size with old_root is a prefix of the tree of new_size with
// new_root; Corruption naming what failed otherwise (also for old_size > new_size, old_size 0 with
// a non-empty proof or a root other than EmptyRoot(), equal sizes with different roots, wrong proof
// length).
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash256& old_root,
                         const Hash256& new_root, const std::vector<Hash256>& proof);

}  // namespace dancu::storage::merkle
