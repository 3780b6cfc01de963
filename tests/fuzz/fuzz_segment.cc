// Fuzzes replication::DecodeSegment and VerifySegment on a wire::Segment given as canonical bytes
// (the seeds are real segments of the seed origin, tests/fuzz/seeds.cc). Properties: no crash or
// undefined behaviour; a segment that decodes re-encodes (MakeSegment) to one that decodes to the
// same entries, checkpoint and proof, and verifies exactly when the original does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include <capnp/message.h>

#include "replication/segment.h"
#include "storage/canonical.h"
#include "tests/fuzz/seed_origin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu;
  auto wire = storage::Parsed<wire::Segment>::Parse(
      std::string_view(reinterpret_cast<const char*>(data), size), "segment");
  if (!wire.ok()) return 0;
  auto decoded = replication::DecodeSegment(wire->get());
  if (!decoded.ok()) return 0;
  static const storage::SigningKey key = fuzz::SeedOriginKey();
  const bool verifies = replication::VerifySegment(*decoded, key.public_key()).ok();

  std::vector<std::string_view> entries;
  for (const auto& e : decoded->entries) entries.push_back(e.bytes);
  auto remade = replication::MakeSegment(decoded->origin, decoded->first_seq, entries, decoded->checkpoint_bytes,
                                         decoded->proof);
  if (!remade.ok()) std::abort();  // what a receiver accepted, a sender could not build
  capnp::MallocMessageBuilder message;
  replication::ToWire(*remade, message.initRoot<wire::Segment>());
  auto again = replication::DecodeSegment(message.getRoot<wire::Segment>().asReader());
  if (!again.ok() || again->last_seq != decoded->last_seq || again->proof != decoded->proof ||
      again->checkpoint_bytes != decoded->checkpoint_bytes || again->entries.size() != entries.size()) {
    std::abort();
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (again->entries[i].bytes != entries[i]) std::abort();
  }
  if (replication::VerifySegment(*again, key.public_key()).ok() != verifies) std::abort();
  return 0;
}
