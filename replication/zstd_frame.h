// One zstd frame, compressed whole and decompressed within a hard size cap.
//
// DecompressFrame is a trust boundary: the frame comes from the network or a USB stick. It refuses,
// before allocating anything, a frame that does not state its content size or states more than
// the caller's cap (a decompression bomb), and afterwards one whose content does not have the size
// it stated or that is followed by other bytes.
//
// Pure functions, thread-safe. Errors: Corruption naming the defect; InvalidArgument from
// CompressFrame only when zstd itself refuses (a level out of range).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace dancu::replication {

inline constexpr int kDefaultZstdLevel = 3;

// One frame holding `bytes`, with its content size in the frame header.
Result<std::string> CompressFrame(std::string_view bytes, int level = kDefaultZstdLevel);

// The content of `frame`, which must be exactly one zstd frame of at most `max_bytes` content.
Result<std::string> DecompressFrame(std::string_view frame, size_t max_bytes);

}  // namespace dancu::replication
