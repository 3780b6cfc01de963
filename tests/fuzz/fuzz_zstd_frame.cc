// Fuzzes replication::DecompressFrame, which opens every segment's zstd frame before anything is
// authenticated. Properties: no crash or undefined behaviour, never more content than the cap, and
// content that decompresses compresses again to a frame that decompresses to the same content.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "replication/zstd_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu::replication;
  constexpr size_t kCap = 1u << 20;
  auto content = DecompressFrame(std::string_view(reinterpret_cast<const char*>(data), size), kCap);
  if (!content.ok()) return 0;
  if (content->size() > kCap) std::abort();
  auto frame = CompressFrame(*content);
  if (!frame.ok()) std::abort();
  auto again = DecompressFrame(*frame, content->size());
  if (!again.ok() || *again != *content) std::abort();
  return 0;
}
