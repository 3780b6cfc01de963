#include "node/photo.h"

#include <png.h>
#include <stdio.h>  // jpeglib.h needs FILE and size_t declared first

#include <jpeglib.h>

#include <csetjmp>
#include <cstring>
#include <memory>
#include <string>

namespace dancu::node {

namespace {

constexpr unsigned char kPngSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
constexpr unsigned char kJpegSignature[] = {0xff, 0xd8, 0xff};

bool StartsWith(std::string_view bytes, const unsigned char* prefix, size_t size) {
  return bytes.size() >= size && std::memcmp(bytes.data(), prefix, size) == 0;
}

Status CheckDimensions(uint32_t width, uint32_t height) {
  const auto within = [](uint32_t side) { return side >= kMinPhotoSide && side <= kMaxPhotoSide; };
  if (within(width) && within(height)) return Status::Ok();
  return Status::InvalidArgument("the photo is " + std::to_string(width) + "x" +
                                 std::to_string(height) + " pixels; each side must be " +
                                 std::to_string(kMinPhotoSide) + " to " +
                                 std::to_string(kMaxPhotoSide) + " pixels");
}

Result<PhotoInfo> DecodePng(std::string_view bytes) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  const auto fail = [&png] {
    std::string reason = png.message;
    png_image_free(&png);
    return Status::InvalidArgument("the photo is not a readable PNG image: " + reason);
  };
  if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size())) return fail();
  const PhotoInfo info{schema::PhotoFormat::PNG, png.width, png.height};
  if (Status sides = CheckDimensions(info.width, info.height); !sides.ok()) {
    png_image_free(&png);
    return sides;
  }
  png.format = PNG_FORMAT_GRAY;  // one byte a pixel: the least memory that still decodes all
  std::unique_ptr<png_byte[]> pixels(new png_byte[PNG_IMAGE_SIZE(png)]);
  if (!png_image_finish_read(&png, nullptr, pixels.get(), 0, nullptr)) return fail();
  return info;
}

// libjpeg reports fatal errors through error_exit, which must not return: it longjmps back to
// DecodeJpegFrame. Only plain C data lives in that frame, so the jump skips no destructor.
struct JpegDecode {
  jpeg_error_mgr errors;  // first: libjpeg's cinfo->err points here
  std::jmp_buf escape;
  char message[JMSG_LENGTH_MAX];
  unsigned width;
  unsigned height;
  bool outside_limits;
};

[[noreturn]] void OnJpegError(j_common_ptr cinfo) {
  auto* decode = reinterpret_cast<JpegDecode*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, decode->message);
  std::longjmp(decode->escape, 1);
}

void Silently(j_common_ptr /*cinfo*/) {}

// Decodes the whole image; false (with decode->message set unless outside_limits) if that fails or
// a warning (such as premature end of data) was raised.
bool DecodeJpegFrame(const unsigned char* data, size_t size, JpegDecode* decode) {
  jpeg_decompress_struct cinfo;
  cinfo.err = jpeg_std_error(&decode->errors);
  decode->errors.error_exit = OnJpegError;
  decode->errors.output_message = Silently;
  if (setjmp(decode->escape)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, size);
  jpeg_read_header(&cinfo, TRUE);
  decode->width = cinfo.image_width;
  decode->height = cinfo.image_height;
  if (cinfo.image_width < kMinPhotoSide || cinfo.image_width > kMaxPhotoSide ||
      cinfo.image_height < kMinPhotoSide || cinfo.image_height > kMaxPhotoSide) {
    decode->outside_limits = true;
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  cinfo.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress(&cinfo);
  JSAMPARRAY row = (*cinfo.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&cinfo), JPOOL_IMAGE,
                                              cinfo.output_width * cinfo.output_components, 1);
  while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, row, 1);
  jpeg_finish_decompress(&cinfo);
  const bool clean = decode->errors.num_warnings == 0;
  if (!clean) {
    (*decode->errors.format_message)(reinterpret_cast<j_common_ptr>(&cinfo), decode->message);
  }
  jpeg_destroy_decompress(&cinfo);
  return clean;
}

Result<PhotoInfo> DecodeJpeg(std::string_view bytes) {
  JpegDecode decode{};
  const bool decoded =
      DecodeJpegFrame(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), &decode);
  if (decode.outside_limits) {
    return CheckDimensions(decode.width, decode.height);
  }
  if (!decoded) {
    return Status::InvalidArgument("the photo is not a readable JPEG image: " +
                                   std::string(decode.message));
  }
  return PhotoInfo{schema::PhotoFormat::JPEG, decode.width, decode.height};
}

}  // namespace

Result<PhotoInfo> ValidatePhoto(std::string_view bytes) {
  if (bytes.size() > kMaxPhotoBytes) {
    return Status::InvalidArgument("the photo is " + std::to_string(bytes.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxPhotoBytes));
  }
  if (StartsWith(bytes, kPngSignature, sizeof kPngSignature)) return DecodePng(bytes);
  if (StartsWith(bytes, kJpegSignature, sizeof kJpegSignature)) return DecodeJpeg(bytes);
  return Status::InvalidArgument("the photo is neither a JPEG nor a PNG image");
}

}  // namespace dancu::node
