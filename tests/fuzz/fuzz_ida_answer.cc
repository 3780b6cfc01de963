// Fuzzes node::VerifyAnswer, which `dancu agency check` / `verify` / `receipt` (and an agency's
// own software) use to check a node's signed answer offline, against the seed origin as root.
// Input: a mode byte, two bytes (big-endian) of the answer's length, the answer, then the
// certificate chain. Mode even: the answer is the SignedAnswer; odd: it is an IdaAnswer the fuzzer
// signs with the seed origin's key (tests/fuzz/signed_input.h). Properties: no crash, no exception,
// no undefined behaviour; an answer that verifies names the chain's hash and a 32-byte token.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "node/ida_protocol.h"
#include "tests/fuzz/signed_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu;
  static const storage::PublicKey root = fuzz::SeedOriginKey().public_key();
  if (size < 3) return 0;
  const size_t length = std::min<size_t>((size_t{data[1]} << 8) | data[2], size - 3);
  std::string head(1, static_cast<char>(data[0]));
  head.append(reinterpret_cast<const char*>(data + 3), length);
  const std::string answer = fuzz::SignedInput<schema::SignedAnswer>(
      reinterpret_cast<const uint8_t*>(head.data()), head.size(), node::kAnswerDomain,
      [](auto a, auto body) { a.setAnswer(body); });
  const std::string_view chain(reinterpret_cast<const char*>(data + 3 + length), size - 3 - length);
  auto checked = node::VerifyAnswer(answer, chain, root);
  if (checked.ok() && checked->chain_hash != storage::Blake2b256(chain)) std::abort();
  return 0;
}
