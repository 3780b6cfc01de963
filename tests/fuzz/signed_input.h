// For the fuzzers of signed structures: the input either as the signed bytes themselves, or (when
// its first byte is odd) the rest of it as the body, which the fuzzer signs with the seed origin's
// key, so that the decoder's checks past the signature are reached too. Test support.
#pragma once

#include <capnp/message.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/canonical.h"
#include "tests/fuzz/seed_origin.h"

namespace dancu::fuzz {

// `Signed` is a Cap'n Proto struct of (body :Data, signature :Data); `set_body` sets its body.
template <typename Signed, typename SetBody>
std::string SignedInput(const uint8_t* data, size_t size, std::string_view domain, SetBody set_body) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty() || (input[0] & 1) == 0) return std::string(input.substr(input.empty() ? 0 : 1));
  static const storage::SigningKey key = SeedOriginKey();
  const std::string_view body = input.substr(1);
  const storage::Signature sig = key.Sign(std::string(domain) + std::string(body));
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<Signed>();
  set_body(root, kj::arrayPtr(reinterpret_cast<const kj::byte*>(body.data()), body.size()));
  root.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  return storage::Canonicalize(root.asReader());
}

}  // namespace dancu::fuzz
