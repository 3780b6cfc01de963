// devices/fprint_minutiae: libfprint's serialised prints of an image device (virtual_image fed
// the NIST prints, the real NBIS pipeline) become dancu templates that our own matcher compares.
#include <glib.h>
#include <png.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <stdexcept>

#include "devices/fprint_minutiae.h"
#include "devices/identify/identifier.h"
#include "devices/identify/matcher.h"
#include "tests/devices/virtual_drivers.h"

namespace dancu::devices {
namespace {

using testing::Await;
using testing::EventLog;
using testing::GreyImage;
using testing::kPatience;
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

class VirtualImage {
 public:
  VirtualImage() : reader_("virtual_image", "FP_VIRTUAL_IMAGE"), client_(reader_.socket_path()) {}

  Template Enroll(const GreyImage& print) {
    EventLog log;
    auto enrolled = reader_.reader().Enroll(reader_.device().id, {kPatience, log.Callback()});
    for (int stage = 1; stage <= reader_.device().enroll_stages; ++stage) {
      REQUIRE(log.WaitFor(ScanEvent::Kind::kPlaceFinger, stage));
      client_.SendImage(print);
    }
    Result<Template> result = Await(std::move(enrolled));
    REQUIRE(result.ok());
    return std::move(result).value();
  }
  int stages() const { return reader_.device().enroll_stages; }

  // Enrolls `image` and converts the print.
  identify::Template EnrollTemplate(const GreyImage& image) {
    auto t = MinutiaeFromPrint(Enroll(image), static_cast<uint16_t>(image.width),
                               static_cast<uint16_t>(image.height));
    REQUIRE(t.ok());
    return std::move(t).value();
  }

 private:
  testing::VirtualReader reader_;
  testing::VirtualImageClient client_;
};

// An 8-bit greyscale PNG (the FVC images; LoadPrint reads the NIST prints' alpha channel instead).
GreyImage LoadGrey(const std::string& path) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str())) throw std::runtime_error(path + ": " + png.message);
  png.format = PNG_FORMAT_GRAY;
  GreyImage image;
  image.width = static_cast<int32_t>(png.width);
  image.height = static_cast<int32_t>(png.height);
  image.pixels.resize(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, image.pixels.data(), 0, nullptr))
    throw std::runtime_error(path + ": " + png.message);
  return image;
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
