// Checks a resident's photo before it is enrolled: it must really be a JPEG or PNG image, decoded
// in full (so a truncated or corrupt file is refused, not just one with a wrong header), of at
// most kMaxPhotoBytes, with each side within [kMinPhotoSide, kMaxPhotoSide] pixels.
//
// Decoding uses libjpeg-turbo and libpng, silenced: neither writes to stderr. The dimensions are
// read from the header and checked before any pixel is decoded, so a small file that claims huge
// dimensions costs nothing. Thread-safe (no shared state). Errors: InvalidArgument naming what is
// wrong (format, size, dimensions, or the decoder's complaint); never the image's content.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/resident.capnp.h"
#include "storage/status.h"

namespace dancu::node {

inline constexpr size_t kMaxPhotoBytes = 2u << 20;  // 2 MiB
inline constexpr uint32_t kMinPhotoSide = 240;      // pixels
inline constexpr uint32_t kMaxPhotoSide = 4096;

struct PhotoInfo {
  schema::PhotoFormat format = schema::PhotoFormat::UNKNOWN;
  uint32_t width = 0;
  uint32_t height = 0;
};

Result<PhotoInfo> ValidatePhoto(std::string_view bytes);

}  // namespace dancu::node
