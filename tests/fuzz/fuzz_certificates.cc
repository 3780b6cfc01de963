// Fuzzes node::VerifyChain, which checks every certificate chain a node receives (in a hello, in
// reference data, in a bundle, at `dancu cert install`), at the seeds' time, pinned to the seeds'
// root and unpinned. Properties: no crash or undefined behaviour; a chain that verifies pinned
// verifies unpinned to the same leaf, and its lineage has one node per certificate.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "node/certificates.h"
#include "tests/fuzz/seed_origin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu;
  const std::string_view chain(reinterpret_cast<const char*>(data), size);
  static const storage::PublicKey root = fuzz::SeedOriginKey().public_key();
  auto unpinned = node::VerifyChain(chain, std::nullopt, fuzz::kSeedNowMs);
  auto pinned = node::VerifyChain(chain, root, fuzz::kSeedNowMs);
  if (unpinned.ok() && unpinned->lineage.size() != unpinned->length) std::abort();
  if (pinned.ok() && (!unpinned.ok() || unpinned->leaf_node_id != pinned->leaf_node_id)) std::abort();
  return 0;
}
