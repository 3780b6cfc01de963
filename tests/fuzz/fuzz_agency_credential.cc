// Fuzzes node::CheckAgencyCredential, which checks every agency credential (and revocation) a node
// receives in reference data (replication/session.h) or a bundle, against the seed origin as root.
// The input's first byte chooses: even, the rest is the credential; odd, the rest is a policy the
// fuzzer signs (tests/fuzz/signed_input.h). Properties: no crash, no exception, no undefined
// behaviour; a policy that checks names the id of its key, and signed again it checks the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "node/agencies.h"
#include "tests/fuzz/signed_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu;
  static const storage::SigningKey root = fuzz::SeedOriginKey();
  const std::string credential = fuzz::SignedInput<schema::AgencyCredential>(
      data, size, node::kCredentialDomain, [](auto c, auto body) { c.setPolicy(body); });
  auto policy = node::CheckAgencyCredential(credential, root.public_key());
  if (!policy.ok()) return 0;
  if (policy->id != node::AgencyIdOf(policy->key)) std::abort();
  auto again = node::CheckAgencyCredential(node::MakeAgencyCredential(root, *policy), root.public_key());
  if (!again.ok() || again->id != policy->id || again->name != policy->name ||
      again->procedures != policy->procedures || again->claims != policy->claims ||
      again->revoked != policy->revoked || again->issued_at != policy->issued_at) {
    std::abort();
  }
  return 0;
}
