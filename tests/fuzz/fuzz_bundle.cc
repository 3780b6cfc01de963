// Fuzzes replication::ParseBundle, the structure check of a bundle file from a USB stick, and what
// ImportBundle reads of a bundle before it trusts anything: the signature check with the seed
// origin's key and every segment's DecodeSegment. Properties: no crash or undefined behaviour,
// and what ParseBundle states (segment count, versions) agrees with the body a fresh Read() gives.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "replication/bundle.h"
#include "replication/segment.h"
#include "tests/fuzz/seed_origin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu;
  auto bundle = replication::ParseBundle(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!bundle.ok()) return 0;
  static const storage::SigningKey key = fuzz::SeedOriginKey();
  (void)bundle->SignedBy(key.public_key());
  auto view = bundle->Read();
  auto segments = view->root.getSegments();
  if (segments.size() != bundle->segment_count() || view->root.getVersions().size() != bundle->versions().size()) {
    std::abort();
  }
  for (auto segment : segments) (void)replication::DecodeSegment(segment);
  return 0;
}
