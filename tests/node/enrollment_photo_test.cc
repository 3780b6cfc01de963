// Photo validation: real JPEG and PNG images within the limits pass; anything else is refused with
// a reason, whatever its header claims.
#include <catch2/catch.hpp>

#include "node/photo.h"
#include "tools/fixtures/sample_photo.h"

namespace dancu::node {
namespace {

using tools::fixtures::PhotoEncoding;
using tools::fixtures::SamplePhoto;

void CheckRefused(const std::string& bytes, const std::string& reason) {
  const Result<PhotoInfo> refused = ValidatePhoto(bytes);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Status::Code::kInvalidArgument);
  CHECK_THAT(refused.status().message(), Catch::Contains(reason));
}

TEST_CASE("JPEG and PNG photos pass with their format and dimensions") {
  const Result<PhotoInfo> jpeg = ValidatePhoto(SamplePhoto(PhotoEncoding::kJpeg, 480, 640, 1));
  REQUIRE(jpeg.ok());
  CHECK(jpeg->format == schema::PhotoFormat::JPEG);
  CHECK(jpeg->width == 480);
  CHECK(jpeg->height == 640);
  const Result<PhotoInfo> png = ValidatePhoto(SamplePhoto(PhotoEncoding::kPng, 300, 400, 2));
  REQUIRE(png.ok());
  CHECK(png->format == schema::PhotoFormat::PNG);
  CHECK(png->width == 300);
  CHECK(png->height == 400);
}

TEST_CASE("what is not an image is refused") {
  CheckRefused("", "neither a JPEG nor a PNG");
  CheckRefused("Nguyễn Văn An, sinh năm 1985\n", "neither a JPEG nor a PNG");
  CheckRefused(std::string("\x89PNG\r\n\x1a\n", 8) + std::string(500, 'x'), "not a readable PNG");
  CheckRefused(std::string("\xff\xd8\xff\xe0", 4) + std::string(500, 'x'), "not a readable JPEG");
}

TEST_CASE("a truncated photo is refused, though its header is intact") {
  const std::string png = SamplePhoto(PhotoEncoding::kPng, 480, 640, 3);
  const std::string jpeg = SamplePhoto(PhotoEncoding::kJpeg, 480, 640, 3);
  CheckRefused(png.substr(0, png.size() / 2), "not a readable PNG");
  CheckRefused(png.substr(0, png.size() - 20), "not a readable PNG");
  CheckRefused(jpeg.substr(0, jpeg.size() / 2), "not a readable JPEG");
  CheckRefused(jpeg.substr(0, jpeg.size() - 2), "not a readable JPEG");
}

TEST_CASE("a photo too large, too small or too big in pixels is refused before decoding") {
  std::string too_big = SamplePhoto(PhotoEncoding::kPng, 480, 640, 4);
  too_big.resize(kMaxPhotoBytes + 1, '\0');
  CheckRefused(too_big, "the limit is 2097152");
  CheckRefused(SamplePhoto(PhotoEncoding::kJpeg, 200, 640, 5), "is 200x640 pixels");
  CheckRefused(SamplePhoto(PhotoEncoding::kPng, 250, 4100, 6), "is 250x4100 pixels");
}

}  // namespace
}  // namespace dancu::node
