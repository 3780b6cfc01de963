// Fuzzes the Merkle checks of received proofs (storage/merkle.h): RootFromInclusionProof and
// VerifyConsistency over sizes, leaf indices and proof hashes taken from the input, and
// UnpackHashes, which reads every proof off the wire. Properties: no crash or undefined behaviour,
// and for a tree of at most 64 leaves built from the input, the honest inclusion and consistency
// proofs verify to the tree's roots.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "storage/log_format.h"
#include "storage/merkle.h"

namespace {

using namespace dancu::storage;

Hash256 TakeHash(FuzzedDataProvider& in) {
  Hash256 h{};
  in.ConsumeData(h.data(), h.size());
  return h;
}

std::vector<Hash256> TakeHashes(FuzzedDataProvider& in) {
  std::vector<Hash256> hashes(in.ConsumeIntegralInRange<size_t>(0, 80));
  for (auto& h : hashes) h = TakeHash(in);
  return hashes;
}

// Arbitrary sizes, leaves and proofs: only refusals, never a crash.
void Hostile(FuzzedDataProvider& in) {
  const uint64_t size = in.ConsumeIntegral<uint64_t>();
  std::vector<merkle::IndexedLeaf> leaves(in.ConsumeIntegralInRange<size_t>(0, 8));
  for (auto& leaf : leaves) leaf = {in.ConsumeIntegral<uint64_t>(), TakeHash(in)};
  (void)merkle::RootFromInclusionProof(size, leaves, TakeHashes(in));
  const uint64_t old_size = in.ConsumeIntegral<uint64_t>(), new_size = in.ConsumeIntegral<uint64_t>();
  const Hash256 old_root = TakeHash(in), new_root = TakeHash(in);
  (void)merkle::VerifyConsistency(old_size, new_size, old_root, new_root, TakeHashes(in));
  (void)UnpackHashes(in.ConsumeRandomLengthString(200), 4, "proof");
}

// A real tree: its honest proofs verify.
void Honest(FuzzedDataProvider& in) {
  const uint64_t size = in.ConsumeIntegralInRange<uint64_t>(1, 64);
  std::vector<Hash256> leaf_hashes;
  for (uint64_t i = 0; i < size; ++i) leaf_hashes.push_back(merkle::LeafHash(std::to_string(i)));
  const auto lookup = merkle::LookupOverLeaves(leaf_hashes);
  auto root = merkle::RangeHash(0, size, lookup);
  if (!root.ok()) std::abort();
  std::vector<uint64_t> indices;
  std::vector<merkle::IndexedLeaf> leaves;
  for (uint64_t i = 0; i < size; ++i) {
    if (in.ConsumeBool()) {
      indices.push_back(i);
      leaves.push_back({i, leaf_hashes[i]});
    }
  }
  if (!indices.empty()) {
    auto proof = merkle::InclusionProof(size, indices, lookup);
    if (!proof.ok()) std::abort();
    auto from_proof = merkle::RootFromInclusionProof(size, leaves, *proof);
    if (!from_proof.ok() || *from_proof != *root) std::abort();
  }
  const uint64_t old_size = in.ConsumeIntegralInRange<uint64_t>(1, size);
  auto old_root = merkle::RangeHash(0, old_size, lookup);
  auto consistency = merkle::ConsistencyProof(old_size, size, lookup);
  if (!old_root.ok() || !consistency.ok()) std::abort();
  if (!merkle::VerifyConsistency(old_size, size, *old_root, *root, *consistency).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  if (in.ConsumeBool()) {
    Honest(in);
  } else {
    Hostile(in);
  }
  return 0;
}
