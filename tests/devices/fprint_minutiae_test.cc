// devices/fprint_minutiae: libfprint's serialised prints of an image device (virtual_image fed
// the NIST prints, the real NBIS pipeline) become dancu templates that our own matcher compares.
#include <glib.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>

#include "devices/fprint_minutiae.h"
#include "devices/identify/identifier.h"
#include "tools/fixtures/image_minutiae.h"
#include "devices/identify/matcher.h"
#include "tests/devices/virtual_drivers.h"

namespace dancu::devices {
namespace {

using testing::LoadPrint;

// fp_print_serialize's layout, built by hand: "FP3" + (issbymsmsia{sv}v).
Template Serialised(int type, GVariant* data) {
  GVariantBuilder dict;
  g_variant_builder_init(&dict, G_VARIANT_TYPE_VARDICT);
  GVariant* v = g_variant_ref_sink(g_variant_new("(issbymsmsia{sv}v)", type, "virtual_image", "0", FALSE,
                                                 static_cast<guchar>(7), nullptr, nullptr, 0, &dict, data));
  Template out{'F', 'P', '3'};
  const auto* bytes = static_cast<const uint8_t*>(g_variant_get_data(v));
  out.insert(out.end(), bytes, bytes + g_variant_get_size(v));
  g_variant_unref(v);
  return out;
}

GVariant* Columns(const std::vector<gint32>& x, const std::vector<gint32>& y, const std::vector<gint32>& t) {
  auto column = [](const std::vector<gint32>& c) {
    return g_variant_new_fixed_array(G_VARIANT_TYPE_INT32, c.data(), c.size(), sizeof(gint32));
  };
  GVariant* view[] = {g_variant_new_tuple(std::vector<GVariant*>{column(x), column(y), column(t)}.data(), 3)};
  GVariant* views = g_variant_new_array(G_VARIANT_TYPE("(aiaiai)"), view, 1);
  return g_variant_new_tuple(&views, 1);
}

}  // namespace

TEST_CASE("a serialised NBIS print converts to our template", "[virtual_image][minutiae]") {
  // NIST convention: origin bottom-left, degrees counter-clockwise from east.
  Template bytes = Serialised(2, Columns({10, 200}, {390, 1}, {90, -45}));
  auto t = MinutiaeFromPrint(bytes, 256, 400);
  REQUIRE(t.ok());
  CHECK((t.value().width == 256 && t.value().height == 400));
  REQUIRE(t.value().views.size() == 1);
  const auto& m = t.value().views[0];
  REQUIRE(m.size() == 2);
  CHECK((m[0].x == 10 && m[0].y == 10));   // 400 - 390
  CHECK(m[0].angle == 192);                // up the image: -y with y down, 3/4 turn
  CHECK((m[1].x == 200 && m[1].y == 399));
  CHECK(m[1].angle == 32);                 // 45° below east (y up) is +1/8 turn with y down

  // Without the image size: the bounding box, a translated copy.
  auto boxed = MinutiaeFromPrint(bytes);
  REQUIRE(boxed.ok());
  CHECK((boxed.value().width == 201 && boxed.value().height == 391));  // y 0..390
  CHECK((boxed.value().views[0][0].y == 0 && boxed.value().views[0][1].y == 389));

  SECTION("bad input is a clear error") {
    using identify::ErrorCode;
    CHECK(MinutiaeFromPrint(Template{'F', 'P', '1', 0}).error().code == ErrorCode::kBadMagic);
    CHECK(MinutiaeFromPrint(Template{}).error().code == ErrorCode::kBadMagic);
    CHECK(MinutiaeFromPrint(Serialised(1, g_variant_new_string("raw"))).error().code ==
          ErrorCode::kInvalidArgument);  // a match-on-chip reader's print
    CHECK(MinutiaeFromPrint(Serialised(2, g_variant_new_string("x"))).error().code ==
          ErrorCode::kInvalidArgument);
    CHECK(MinutiaeFromPrint(Serialised(2, Columns({1, 2}, {1}, {0, 0}))).error().code == ErrorCode::kBadCount);
    CHECK(MinutiaeFromPrint(Serialised(2, Columns({10}, {0}, {0})), 256, 400).error().code ==
          ErrorCode::kOutOfRange);  // NIST y 0 is below the image
    CHECK(MinutiaeFromPrint(Serialised(2, Columns({300}, {5}, {0})), 256, 400).error().code ==
          ErrorCode::kOutOfRange);
    // Truncated and corrupted bytes never crash (GVariant reads them in normal form).
    for (size_t n = 3; n < bytes.size(); ++n) (void)MinutiaeFromPrint(Template(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n)));
    Template noisy = bytes;
    for (size_t i = 3; i < noisy.size(); i += 3) noisy[i] = static_cast<uint8_t>(noisy[i] * 31 + 7);
    (void)MinutiaeFromPrint(noisy);
  }
}

namespace {

// libfprint's virtual_image reader, driven by tools/fixtures/image_minutiae (what `dancu biometric eval`
// uses); every failure fails the test.
class VirtualImage {
 public:
  VirtualImage() {
    auto started = ImageMinutiae::Start();
    if (!started.ok()) throw std::runtime_error(started.error().message());
    images_ = std::move(started).value();
  }

  // One enrollment, every capture `print`: libfprint's serialised print.
  Template Enroll(const GreyImage& print) {
    Result<Template> result = images_->Enroll(std::span(&print, 1));
    REQUIRE(result.ok());
    return std::move(result).value();
  }
  int stages() const { return images_->stages(); }

  // `image`'s minutiae as our template (one view).
  identify::Template EnrollTemplate(const GreyImage& image) {
    auto t = images_->EnrollTemplate(std::span(&image, 1));
    REQUIRE(t.ok());
    return std::move(t).value();
  }

 private:
  std::unique_ptr<ImageMinutiae> images_;
};

// An 8-bit greyscale PNG (the FVC images; LoadPrint reads the NIST prints' alpha channel instead).
GreyImage LoadGrey(const std::string& path) {
  auto image = LoadGreyPng(path);
  if (!image.ok()) throw std::runtime_error(image.error().message());
  return std::move(image).value();
}

}  // namespace

TEST_CASE("an image device's enrolled print becomes a template our matcher recognises",
          "[virtual_image][minutiae]") {
  VirtualImage device;
  const GreyImage whorl = LoadPrint("whorl");
  const GreyImage arch = LoadPrint("tented_arch");
  auto first = MinutiaeFromPrint(device.Enroll(whorl), static_cast<uint16_t>(whorl.width),
                                 static_cast<uint16_t>(whorl.height));
  auto second = MinutiaeFromPrint(device.Enroll(whorl), static_cast<uint16_t>(whorl.width),
                                  static_cast<uint16_t>(whorl.height));
  auto other = MinutiaeFromPrint(device.Enroll(arch), static_cast<uint16_t>(arch.width),
                                 static_cast<uint16_t>(arch.height));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(other.ok());
  CHECK(static_cast<int>(first.value().views.size()) == device.stages());
  CHECK(first.value().views[0].size() >= 12);
  CHECK(identify::Validate(first.value()).ok());
  auto bytes = identify::Serialize(first.value());
  REQUIRE(bytes.ok());
  CHECK(identify::Parse(bytes.value()).value() == first.value());

  int same = identify::MatchTemplates(first.value(), second.value()).score;
  int different = identify::MatchTemplates(first.value(), other.value()).score;
  INFO("whorl vs whorl " << same << ", whorl vs tented arch " << different << ", minutiae per view "
                         << first.value().views[0].size());
  CHECK(same > 2 * different);
  CHECK(same >= 60);
}

TEST_CASE("an image libfprint rejects has no view; the others still make a template",
          "[virtual_image][minutiae]") {
  auto started = ImageMinutiae::Start();
  REQUIRE(started.ok());
  ImageMinutiae& images = *started.value();
  const GreyImage whorl = LoadPrint("whorl");
  GreyImage blank = whorl;
  std::fill(blank.pixels.begin(), blank.pixels.end(), uint8_t{255});  // no ridges, no minutiae
  auto extracted = images.Extract(std::vector<GreyImage>{blank, whorl});
  REQUIRE(extracted.ok());
  REQUIRE(extracted.value().size() == 2);
  CHECK_FALSE(extracted.value()[0].has_value());
  REQUIRE(extracted.value()[1].has_value());
  CHECK(extracted.value()[1]->views.size() == 1);
  CHECK(extracted.value()[1]->views[0].size() >= 12);
  auto enrolled = images.EnrollTemplate(std::vector<GreyImage>{whorl, blank, whorl});
  REQUIRE(enrolled.ok());
  CHECK(enrolled.value().views.size() == 2);
  auto none = images.EnrollTemplate(std::vector<GreyImage>{blank});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code() == ErrorCode::kRetryScan);
}

TEST_CASE("different impressions of real fingers (FVC2002) are identified through our templates",
          "[virtual_image][minutiae]") {
  const std::filesystem::path dir = std::filesystem::path(DANCU_SHARED_DATA) / "prints/fvc2002/DB1_B";
  if (!std::filesystem::exists(dir)) {
    WARN("no FVC2002 images at " << dir << ": skipped");
    return;
  }
  VirtualImage device;
  identify::Identifier identifier(identify::IdentifierOptions{.shards = 2, .min_minutiae = 8});
  const int fingers[] = {101, 102, 103, 104, 105, 106};
  for (int f : fingers) {
    auto enrolled = device.EnrollTemplate(LoadGrey((dir / (std::to_string(f) + "_1.png")).string()));
    REQUIRE(identifier.Insert(std::to_string(f), identify::FingerPosition::kRightIndex, enrolled).ok());
  }
  int found = 0;
  for (int f : fingers) {
    auto probe = device.EnrollTemplate(LoadGrey((dir / (std::to_string(f) + "_2.png")).string()));
    probe.views.resize(1);  // one capture
    auto r = identifier.Identify(std::vector<identify::ProbeFinger>{{identify::FingerPosition::kRightIndex, probe}});
    REQUIRE(r.ok());
    REQUIRE_FALSE(r.value().candidates.empty());
    const auto& c = r.value().candidates;
    INFO("finger " << f << ": best " << c[0].record_id << " " << c[0].score
                   << (c.size() > 1 ? ", next " + c[1].record_id + " " + std::to_string(c[1].score) : ""));
    found += c[0].record_id == std::to_string(f);
  }
  CHECK(found >= 5);  // measured: 6 of 6, the mate 67–480, the next best 4–13
}

}  // namespace dancu::devices
