// The change-log Merkle tree follows RFC 9162 §2.1: checked against naive transcriptions of the
// RFC's definitions (MTH, PATH, SUBPROOF, and the §2.1.4.2 verifier) written here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <string>
#include <utility>
#include <vector>

#include "storage/merkle.h"

namespace dancu::storage::merkle {
namespace {

std::vector<Hash256> Leaves(size_t n) {
  std::vector<Hash256> leaves;
  for (size_t i = 0; i < n; ++i) leaves.push_back(LeafHash("entry " + std::to_string(i + 1)));
  return leaves;
}

uint64_t NaiveSplit(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH(D[lo:hi]), RFC 9162 §2.1.1.
Hash256 NaiveMth(const std::vector<Hash256>& d, uint64_t lo, uint64_t hi) {
  if (hi == lo) return EmptyRoot();
  if (hi - lo == 1) return d[lo];
  uint64_t k = NaiveSplit(hi - lo);
  return NodeHash(NaiveMth(d, lo, lo + k), NaiveMth(d, lo + k, hi));
}

// PATH(m, D[lo:hi]), RFC 9162 §2.1.3.1, leaf side first; each hash with the first leaf it covers.
std::vector<std::pair<uint64_t, Hash256>> NaivePath(const std::vector<Hash256>& d, uint64_t m,
                                                    uint64_t lo, uint64_t hi) {
  if (hi - lo == 1) return {};
  uint64_t k = NaiveSplit(hi - lo);
  std::vector<std::pair<uint64_t, Hash256>> path;
  if (m < k) {
    path = NaivePath(d, m, lo, lo + k);
    path.push_back({lo + k, NaiveMth(d, lo + k, hi)});
  } else {
    path = NaivePath(d, m - k, lo + k, hi);
    path.push_back({lo, NaiveMth(d, lo, lo + k)});
  }
  return path;
}

// SUBPROOF(m, D[lo:hi], b), RFC 9162 §2.1.4.1.
std::vector<Hash256> NaiveSubproof(const std::vector<Hash256>& d, uint64_t m, uint64_t lo,
                                   uint64_t hi, bool b) {
  if (m == hi - lo) return b ? std::vector<Hash256>{} : std::vector<Hash256>{NaiveMth(d, lo, hi)};
  uint64_t k = NaiveSplit(hi - lo);
  std::vector<Hash256> proof;
  if (m <= k) {
    proof = NaiveSubproof(d, m, lo, lo + k, b);
    proof.push_back(NaiveMth(d, lo + k, hi));
  } else {
    proof = NaiveSubproof(d, m - k, lo + k, hi, false);
    proof.push_back(NaiveMth(d, lo, lo + k));
  }
  return proof;
}

// RFC 9162 §2.1.4.2, step by step, for 0 < first < second: an independent check of our verifier.
bool RfcVerifyConsistency(uint64_t first, uint64_t second, const Hash256& first_hash,
                          const Hash256& second_hash, std::vector<Hash256> path) {
  if (path.empty()) return false;
  if (std::has_single_bit(first)) path.insert(path.begin(), first_hash);
  uint64_t fn = first - 1, sn = second - 1;
  while (fn & 1) fn >>= 1, sn >>= 1;
  Hash256 fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash256& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (!(fn & 1) && fn != 0) fn >>= 1, sn >>= 1;
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1, sn >>= 1;
  }
  return fr == first_hash && sr == second_hash && sn == 0;
}

// The value of a Result the test needs to go on; fails the test (not the process) otherwise.
template <typename T>
T Ok(Result<T> r) {
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

uint64_t CeilLog2(uint64_t n) { return n <= 1 ? 0 : std::bit_width(n - 1); }

std::vector<IndexedLeaf> Indexed(const std::vector<Hash256>& d, const std::vector<uint64_t>& idx) {
  std::vector<IndexedLeaf> out;
  for (uint64_t i : idx) out.push_back({i, d[i]});
  return out;
}

// A deterministic xorshift, so subsets are the same on every platform.
struct Rng {
  uint64_t x;
  uint64_t Next() { return x ^= x << 13, x ^= x >> 7, x ^= x << 17; }
};

Hash256 Flipped(Hash256 h) {
  h[7] ^= 0x20;
  return h;
}

TEST_CASE("leaf and node hashes carry RFC 9162's domain prefixes") {
  CHECK(LeafHash("abc") == Blake2b256(std::string("\0abc", 4)));
  Hash256 a = LeafHash("a"), b = LeafHash("b");
  CHECK(NodeHash(a, b) == Blake2b256("\x01" + std::string(AsBytes(a)) + std::string(AsBytes(b))));
  CHECK(NodeHash(a, b) != NodeHash(b, a));
  CHECK(EmptyRoot() == Blake2b256(""));
  CHECK(LeafHash("") != EmptyRoot());
}

TEST_CASE("SplitPoint is the largest power of two below n") {
  for (uint64_t n = 2; n < 300; ++n) CHECK(SplitPoint(n) == NaiveSplit(n));
  CHECK(SplitPoint(2) == 1);
  CHECK(SplitPoint(uint64_t{1} << 63) == uint64_t{1} << 62);
  CHECK(SplitPoint((uint64_t{1} << 63) + 1) == uint64_t{1} << 63);
  CHECK(SplitPoint(UINT64_MAX) == uint64_t{1} << 63);
}

TEST_CASE("the frontier's root is the MTH of 0..70 leaves") {
  std::vector<Hash256> d = Leaves(70);
  Frontier f;
  CHECK(f.Root() == EmptyRoot());
  for (uint64_t n = 1; n <= 70; ++n) {
    f.Append(d[n - 1]);
    REQUIRE(f.size() == n);
    REQUIRE(f.nodes().size() == static_cast<size_t>(std::popcount(n)));
    CHECK(f.Root() == NaiveMth(d, 0, n));
  }
}

TEST_CASE("a frontier rebuilt from its nodes carries on the same") {
  std::vector<Hash256> d = Leaves(40);
  Frontier f;
  for (uint64_t n = 0; n < 30; ++n) {
    Result<Frontier> copy = Frontier::FromNodes(f.size(), f.nodes());
    REQUIRE(copy.ok());
    CHECK(copy->Root() == f.Root());
    for (uint64_t i = n; i < 40; ++i) copy->Append(d[i]);
    CHECK(copy->Root() == NaiveMth(d, 0, 40));
    f.Append(d[n]);
  }
  std::vector<Hash256> one_too_many = f.nodes();
  one_too_many.push_back(d[0]);
  CHECK(Frontier::FromNodes(f.size(), one_too_many).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(Frontier::FromNodes(7, {d[0], d[1]}).status().code() == Status::Code::kInvalidArgument);
  CHECK(Frontier::FromNodes(0, {}).ok());
}

TEST_CASE("Append reports exactly the perfect subtrees it completes, bottom up") {
  const uint64_t n = 70;
  std::vector<Hash256> d = Leaves(n);
  struct Seen {
    uint32_t level;
    uint64_t index;
    Hash256 hash;
  };
  std::vector<Seen> seen;
  Frontier f;
  for (uint64_t i = 0; i < n; ++i) {
    size_t before = seen.size();
    f.Append(d[i], [&](uint32_t level, uint64_t index, const Hash256& hash) {
      seen.push_back({level, index, hash});
    });
    // Leaf i completes the subtrees whose last leaf it is, levels 0, 1, ... in order.
    std::vector<Seen> now(seen.begin() + static_cast<long>(before), seen.end());
    REQUIRE(now.size() == static_cast<size_t>(std::countr_one(i)) + 1);
    for (uint32_t level = 0; level < now.size(); ++level) {
      CHECK(now[level].level == level);
      CHECK(now[level].index == i >> level);
    }
  }
  // Every perfect aligned subtree within [0, n) exactly once, with its MTH.
  size_t expected = 0;
  for (uint32_t level = 0; (uint64_t{1} << level) <= n; ++level) expected += n >> level;
  CHECK(seen.size() == expected);
  for (const Seen& s : seen) {
    uint64_t lo = s.index << s.level, hi = (s.index + 1) << s.level;
    REQUIRE(hi <= n);
    CHECK(s.hash == NaiveMth(d, lo, hi));
  }
}

TEST_CASE("RangeHash asks the lookup first and splits as RFC 9162 does") {
  std::vector<Hash256> d = Leaves(40);
  for (uint64_t n = 1; n <= 40; ++n) {
    Result<Hash256> root = RangeHash(0, n, LookupOverLeaves(d));
    REQUIRE(root.ok());
    CHECK(*root == NaiveMth(d, 0, n));
  }
  // A lookup knowing [0, 32) is not asked below it.
  int calls = 0;
  RangeLookup knows_left = [&](uint64_t lo, uint64_t hi) -> Result<std::optional<Hash256>> {
    ++calls;
    if (lo == 0 && hi == 32) return std::optional<Hash256>(NaiveMth(d, 0, 32));
    return LookupOverLeaves(d)(lo, hi);
  };
  REQUIRE(RangeHash(0, 40, knows_left).ok());
  CHECK(Ok(RangeHash(0, 40, knows_left)) == NaiveMth(d, 0, 40));
  calls = 0;
  REQUIRE(RangeHash(0, 40, knows_left).ok());
  CHECK(calls == 1 + 1 + 15);  // [0,40), [0,32), then [32,40) as 1 + 2 + 4 + 8 ranges

  std::vector<Hash256> five(d.begin(), d.begin() + 5);
  CHECK(RangeHash(0, 8, LookupOverLeaves(five)).status().code() == Status::Code::kNotFound);
  CHECK(RangeHash(3, 3, LookupOverLeaves(d)).status().code() == Status::Code::kInvalidArgument);
  RangeLookup broken = [](uint64_t, uint64_t) -> Result<std::optional<Hash256>> {
    return Status::IOError("disk on fire");
  };
  CHECK(RangeHash(0, 8, broken).status().code() == Status::Code::kIOError);
  CHECK(InclusionProof(8, {3}, broken).status().code() == Status::Code::kIOError);
  CHECK(ConsistencyProof(3, 8, broken).status().code() == Status::Code::kIOError);
}

TEST_CASE("a single-leaf proof is RFC 9162's inclusion path, in tree order") {
  std::vector<Hash256> d = Leaves(40);
  for (uint64_t n = 1; n <= 40; ++n) {
    Hash256 root = NaiveMth(d, 0, n);
    for (uint64_t i = 0; i < n; ++i) {
      Result<std::vector<Hash256>> proof = InclusionProof(n, {i}, LookupOverLeaves(d));
      REQUIRE(proof.ok());
      // The walk meets the path's subtrees left to right: sorted by the first leaf they cover.
      std::vector<std::pair<uint64_t, Hash256>> path = NaivePath(d, i, 0, n);
      std::sort(path.begin(), path.end());
      std::vector<Hash256> in_tree_order;
      for (const auto& [lo, hash] : path) in_tree_order.push_back(hash);
      CHECK(in_tree_order == *proof);
      CHECK(proof->size() <= CeilLog2(n));
      Result<Hash256> got = RootFromInclusionProof(n, {{i, d[i]}}, *proof);
      REQUIRE(got.ok());
      CHECK(*got == root);
    }
  }
}

// Checks a multi-proof of `idx` in the tree of the first n of `d`, and that tampering shows.
void CheckMultiProof(const std::vector<Hash256>& d, uint64_t n, const std::vector<uint64_t>& idx) {
  INFO("size " << n << ", " << idx.size() << " leaves from " << idx.front());
  Hash256 root = NaiveMth(d, 0, n);
  Result<std::vector<Hash256>> made = InclusionProof(n, idx, LookupOverLeaves(d));
  REQUIRE(made.ok());
  const std::vector<Hash256>& proof = *made;
  std::vector<IndexedLeaf> leaves = Indexed(d, idx);
  Result<Hash256> got = RootFromInclusionProof(n, leaves, proof);
  REQUIRE(got.ok());
  REQUIRE(*got == root);

  auto fails = [&](uint64_t size, const std::vector<IndexedLeaf>& l, const std::vector<Hash256>& p) {
    Result<Hash256> r = RootFromInclusionProof(size, l, p);
    return !r.ok() || *r != NaiveMth(d, 0, size);
  };
  for (size_t j = 0; j < proof.size(); ++j) {
    std::vector<Hash256> flipped = proof, dropped = proof;
    flipped[j] = Flipped(flipped[j]);
    dropped.erase(dropped.begin() + static_cast<long>(j));
    CHECK(fails(n, leaves, flipped));
    CHECK(RootFromInclusionProof(n, leaves, dropped).status().code() == Status::Code::kCorruption);
  }
  std::vector<Hash256> extra = proof;
  extra.push_back(d[0]);
  CHECK(RootFromInclusionProof(n, leaves, extra).status().code() == Status::Code::kCorruption);
  for (size_t j = 0; j < leaves.size(); ++j) {
    std::vector<IndexedLeaf> changed = leaves;
    changed[j].hash = Flipped(changed[j].hash);
    CHECK(fails(n, changed, proof));
  }
  // Claimed against the signed root of another size, the proof fails.
  if (n > 1 && idx.back() < n - 1) CHECK(fails(n - 1, leaves, proof));
  if (n < d.size()) CHECK(fails(n + 1, leaves, proof));
}

TEST_CASE("multi-leaf proofs: every contiguous run and random subsets verify; tampering shows") {
  std::vector<Hash256> d = Leaves(41);
  for (uint64_t n = 1; n <= 40; ++n) {
    for (uint64_t a = 0; a < n; ++a) {
      for (uint64_t b = a + 1; b <= n; ++b) {
        std::vector<uint64_t> run;
        for (uint64_t i = a; i < b; ++i) run.push_back(i);
        CheckMultiProof(d, n, run);
      }
    }
  }
  Rng rng{0x9e3779b97f4a7c15};
  for (uint64_t n = 1; n <= 40; ++n) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<uint64_t> subset;
      for (uint64_t i = 0; i < n; ++i) {
        if (rng.Next() % 3 == 0) subset.push_back(i);
      }
      if (!subset.empty()) CheckMultiProof(d, n, subset);
    }
  }
}

TEST_CASE("a contiguous run needs at most about 2*log2(n) hashes, however long") {
  std::vector<Hash256> d = Leaves(40);
  for (uint64_t n = 1; n <= 40; ++n) {
    for (uint64_t a = 0; a < n; ++a) {
      for (uint64_t b = a + 1; b <= n; ++b) {
        std::vector<uint64_t> run;
        for (uint64_t i = a; i < b; ++i) run.push_back(i);
        CHECK(Ok(InclusionProof(n, run, LookupOverLeaves(d))).size() <= 2 * CeilLog2(n));
      }
    }
  }
}

TEST_CASE("bad leaf indices are refused") {
  std::vector<Hash256> d = Leaves(8);
  auto proof_for = [&](const std::vector<uint64_t>& idx) {
    return InclusionProof(8, idx, LookupOverLeaves(d)).status().code();
  };
  CHECK(proof_for({}) == Status::Code::kInvalidArgument);
  CHECK(proof_for({3, 2}) == Status::Code::kInvalidArgument);
  CHECK(proof_for({2, 2}) == Status::Code::kInvalidArgument);
  CHECK(proof_for({8}) == Status::Code::kInvalidArgument);
  CHECK(InclusionProof(0, {0}, LookupOverLeaves(d)).status().code() ==
        Status::Code::kInvalidArgument);

  std::vector<Hash256> proof = Ok(InclusionProof(8, {2, 3}, LookupOverLeaves(d)));
  auto root_for = [&](const std::vector<uint64_t>& idx) {
    return RootFromInclusionProof(8, Indexed(d, idx), proof).status().code();
  };
  CHECK(RootFromInclusionProof(8, Indexed(d, {2, 3}), proof).ok());
  CHECK(root_for({}) == Status::Code::kCorruption);
  CHECK(root_for({3, 2}) == Status::Code::kCorruption);
  CHECK(root_for({2, 2}) == Status::Code::kCorruption);
  CHECK(RootFromInclusionProof(3, Indexed(d, {2, 3}), proof).status().code() ==
        Status::Code::kCorruption);
  CHECK(RootFromInclusionProof(0, Indexed(d, {0}), {}).status().code() ==
        Status::Code::kCorruption);
}

TEST_CASE("consistency proofs for all 1 <= m <= n <= 40 are RFC 9162's and verify") {
  std::vector<Hash256> d = Leaves(40);
  for (uint64_t n = 1; n <= 40; ++n) {
    Hash256 new_root = NaiveMth(d, 0, n);
    for (uint64_t m = 1; m <= n; ++m) {
      INFO("from " << m << " to " << n);
      Hash256 old_root = NaiveMth(d, 0, m);
      Result<std::vector<Hash256>> proof = ConsistencyProof(m, n, LookupOverLeaves(d));
      REQUIRE(proof.ok());
      CHECK(*proof == NaiveSubproof(d, m, 0, n, true));
      Status s = VerifyConsistency(m, n, old_root, new_root, *proof);
      CHECK(s.ok());
      if (!s.ok()) UNSCOPED_INFO(s.ToString());
      if (m < n) CHECK(RfcVerifyConsistency(m, n, old_root, new_root, *proof));
    }
  }
}

TEST_CASE("tampered consistency proofs fail") {
  std::vector<Hash256> d = Leaves(40);
  auto corrupt = [](const Status& s) { return s.code() == Status::Code::kCorruption; };
  for (uint64_t n = 1; n <= 40; ++n) {
    Hash256 new_root = NaiveMth(d, 0, n);
    for (uint64_t m = 1; m <= n; ++m) {
      INFO("from " << m << " to " << n);
      Hash256 old_root = NaiveMth(d, 0, m);
      std::vector<Hash256> proof = Ok(ConsistencyProof(m, n, LookupOverLeaves(d)));
      for (size_t j = 0; j < proof.size(); ++j) {
        std::vector<Hash256> flipped = proof, dropped = proof;
        flipped[j] = Flipped(flipped[j]);
        dropped.erase(dropped.begin() + static_cast<long>(j));
        CHECK(corrupt(VerifyConsistency(m, n, old_root, new_root, flipped)));
        CHECK(corrupt(VerifyConsistency(m, n, old_root, new_root, dropped)));
      }
      std::vector<Hash256> extra = proof;
      extra.push_back(d[0]);
      CHECK(corrupt(VerifyConsistency(m, n, old_root, new_root, extra)));
      CHECK(corrupt(VerifyConsistency(m, n, Flipped(old_root), new_root, proof)));
      CHECK(corrupt(VerifyConsistency(m, n, old_root, Flipped(new_root), proof)));
      if (m < n) {
        CHECK(corrupt(VerifyConsistency(n, m, new_root, old_root, proof)));
        CHECK(corrupt(VerifyConsistency(n, m, old_root, new_root, proof)));
      }
      // The same proof claimed for neighbouring sizes.
      if (m > 1) CHECK(corrupt(VerifyConsistency(m - 1, n, NaiveMth(d, 0, m - 1), new_root, proof)));
      if (n < 40) CHECK(corrupt(VerifyConsistency(m, n + 1, old_root, NaiveMth(d, 0, n + 1), proof)));
    }
  }
  // From the empty tree: only the empty proof and the empty root.
  CHECK(Ok(ConsistencyProof(0, 5, LookupOverLeaves(d))).empty());
  CHECK(VerifyConsistency(0, 5, EmptyRoot(), NaiveMth(d, 0, 5), {}).ok());
  CHECK(corrupt(VerifyConsistency(0, 5, EmptyRoot(), NaiveMth(d, 0, 5), {d[0]})));
  CHECK(corrupt(VerifyConsistency(0, 5, d[0], NaiveMth(d, 0, 5), {})));
  CHECK(ConsistencyProof(6, 5, LookupOverLeaves(d)).status().code() ==
        Status::Code::kInvalidArgument);
}

// A real tree of 10^8 leaves that costs nothing to hash: every leaf is the same, so the perfect
// subtree at level L has the same hash P[L] wherever it is. The lookup answers perfect aligned
// subtrees from that table (and counts its calls); everything else RangeHash must split.
struct UniformTree {
  uint64_t size;
  std::vector<Hash256> level_hash;
  uint64_t calls = 0;

  explicit UniformTree(uint64_t n) : size(n), level_hash{LeafHash("same")} {
    for (int l = 1; l < 64; ++l) level_hash.push_back(NodeHash(level_hash.back(), level_hash.back()));
  }
  RangeLookup Lookup() {
    return [this](uint64_t lo, uint64_t hi) -> Result<std::optional<Hash256>> {
      ++calls;
      uint64_t width = hi - lo;
      if (hi <= size && std::has_single_bit(width) && lo % width == 0) {
        return std::optional<Hash256>(level_hash[static_cast<size_t>(std::countr_zero(width))]);
      }
      return std::optional<Hash256>();
    };
  }
};

TEST_CASE("proofs in a tree of 10^8 leaves stay small") {
  const uint64_t n = 100'000'000;  // 2^26 < n < 2^27
  UniformTree tree(n);
  Hash256 root = Ok(RangeHash(0, n, tree.Lookup()));
  for (uint64_t i : {uint64_t{0}, uint64_t{12'345'678}, uint64_t{67'108'864}, n - 1}) {
    Result<std::vector<Hash256>> proof = InclusionProof(n, {i}, tree.Lookup());
    REQUIRE(proof.ok());
    CHECK(proof->size() <= 27);
    CHECK(Ok(RootFromInclusionProof(n, {{i, tree.level_hash[0]}}, *proof)) == root);
  }
  for (uint64_t start : {uint64_t{0}, uint64_t{54'321'987}, n - 100}) {
    std::vector<uint64_t> run;
    std::vector<IndexedLeaf> leaves;
    for (uint64_t i = start; i < start + 100; ++i) {
      run.push_back(i);
      leaves.push_back({i, tree.level_hash[0]});
    }
    Result<std::vector<Hash256>> proof = InclusionProof(n, run, tree.Lookup());
    REQUIRE(proof.ok());
    CHECK(proof->size() <= 2 * 27);
    CHECK(proof->size() * 32 <= 64 * run.size());
    CHECK(Ok(RootFromInclusionProof(n, leaves, *proof)) == root);
  }
  for (uint64_t m : {uint64_t{1}, uint64_t{67'108'864}, uint64_t{99'987'655}, n - 1, n}) {
    Result<std::vector<Hash256>> proof = ConsistencyProof(m, n, tree.Lookup());
    REQUIRE(proof.ok());
    CHECK(proof->size() <= 2 * 27);
    CHECK(VerifyConsistency(m, n, Ok(RangeHash(0, m, tree.Lookup())), root, *proof).ok());
  }
  CHECK(tree.calls < 10'000);  // nothing was hashed leaf by leaf
}

TEST_CASE("hostile sizes and long proofs are refused without unbounded work") {
  const uint64_t big = uint64_t{1} << 63;
  std::vector<Hash256> junk(5000, LeafHash("junk"));
  for (uint64_t size : {big, UINT64_MAX}) {
    Result<Hash256> r = RootFromInclusionProof(size, {{size - 1, junk[0]}}, junk);
    CHECK(r.status().code() == Status::Code::kCorruption);
    CHECK_THAT(r.status().message(), Catch::Contains("too long"));
    CHECK(RootFromInclusionProof(size, {{0, junk[0]}, {size / 2, junk[0]}}, {}).status().code() ==
          Status::Code::kCorruption);
    Status s = VerifyConsistency(size / 2 + 1, size, junk[0], junk[0], junk);
    CHECK(s.code() == Status::Code::kCorruption);
    CHECK_THAT(s.message(), Catch::Contains("too long"));
    CHECK(VerifyConsistency(3, size, junk[0], junk[0], {}).code() == Status::Code::kCorruption);
  }
  // A proof of the right length for the claimed sizes, but of junk, fails on the roots.
  UniformTree tree(big);
  std::vector<Hash256> proof = Ok(ConsistencyProof(big / 3, big, tree.Lookup()));
  Status s = VerifyConsistency(big / 3, big, junk[0], junk[0], proof);
  CHECK(s.code() == Status::Code::kCorruption);
  CHECK_THAT(s.message(), Catch::Contains("root"));
}

}  // namespace
}  // namespace dancu::storage::merkle
