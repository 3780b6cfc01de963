#include "replication/zstd_frame.h"

#include <zstd.h>

namespace dancu::replication {

Result<std::string> CompressFrame(std::string_view bytes, int level) {
  std::string frame(ZSTD_compressBound(bytes.size()), '\0');
  size_t n = ZSTD_compress(frame.data(), frame.size(), bytes.data(), bytes.size(), level);
  if (ZSTD_isError(n)) {
    return Status::InvalidArgument(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  }
  frame.resize(n);
  return frame;
}

Result<std::string> DecompressFrame(std::string_view frame, size_t max_bytes) {
  size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size)) {
    return Status::Corruption(std::string("not a complete zstd frame: ") + ZSTD_getErrorName(frame_size));
  }
  if (frame_size != frame.size()) {
    return Status::Corruption(std::to_string(frame.size() - frame_size) +
                              " bytes follow the zstd frame");
  }
  unsigned long long stated = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (stated == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::Corruption("zstd frame does not state its content size");
  }
  if (stated == ZSTD_CONTENTSIZE_ERROR) return Status::Corruption("zstd frame header is invalid");
  if (stated > max_bytes) {
    return Status::Corruption("zstd frame states " + std::to_string(stated) +
                              " bytes of content, more than the cap of " + std::to_string(max_bytes));
  }
  std::string content(static_cast<size_t>(stated), '\0');
  size_t n = ZSTD_decompress(content.data(), content.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) {
    return Status::Corruption(std::string("zstd frame does not decompress to its stated ") +
                              std::to_string(stated) + " bytes: " + ZSTD_getErrorName(n));
  }
  if (n != stated) {
    return Status::Corruption("zstd frame states " + std::to_string(stated) + " bytes but holds " +
                              std::to_string(n));
  }
  return content;
}

}  // namespace dancu::replication
