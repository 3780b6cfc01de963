// Fuzzes node::ValidatePhoto, which decodes a resident's photo (JPEG or PNG from the console or
// the CLI) with libjpeg-turbo and libpng. Properties: no crash or undefined behaviour, and a photo
// it accepts has the format and sides within the limits it states.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "node/photo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu::node;
  auto info = ValidatePhoto(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!info.ok()) return 0;
  if (info->format == dancu::schema::PhotoFormat::UNKNOWN || info->width < kMinPhotoSide ||
      info->width > kMaxPhotoSide || info->height < kMinPhotoSide || info->height > kMaxPhotoSide) {
    std::abort();
  }
  return 0;
}
