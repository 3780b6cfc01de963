// Fuzzes node::VerifyAuditBatch, which checks every audit batch a parent receives from a child
// (replication/session.h), with the seed origin as the only certified origin; it reads every
// entry's fields, as `dancu agency audit` does, before it accepts a batch. The input's first byte chooses: even, the rest
// is the signed batch; odd, the rest is a batch the fuzzer signs (tests/fuzz/signed_input.h).
// Properties: no crash, no exception, no undefined behaviour; a batch that verifies is the seed
// origin's.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "node/audit_log.h"
#include "tests/fuzz/signed_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu;
  static const storage::SigningKey origin = fuzz::SeedOriginKey();
  static const storage::KeyLookup keys = [](uint64_t id) -> std::optional<storage::PublicKey> {
    if (id == origin.node_id()) return origin.public_key();
    return std::nullopt;
  };
  const std::string signed_batch = fuzz::SignedInput<schema::SignedAuditBatch>(
      data, size, node::kAuditDomain, [](auto b, auto body) { b.setBatch(body); });
  auto batch = node::VerifyAuditBatch(signed_batch, keys);
  if (!batch.ok()) return 0;
  if (batch->get().getOrigin() != origin.node_id()) std::abort();
  return 0;
}
