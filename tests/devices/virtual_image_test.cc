// FingerprintReader with libfprint's virtual_image driver fed the NIST prints: the real NBIS
// minutiae detection and bozorth3 matching, no mocks.
#include <fprint.h>

#include <catch2/catch.hpp>

#include "tests/devices/virtual_drivers.h"

namespace dancu::devices {
namespace {

using testing::Await;
using testing::EventLog;
using testing::GreyImage;
using testing::kPatience;
using testing::LoadPrint;

class VirtualImageFixture {
 public:
  VirtualImageFixture()
      : virtual_reader_("virtual_image", "FP_VIRTUAL_IMAGE"),
        client_(virtual_reader_.socket_path()) {}

 protected:
  FingerprintReader& reader() { return virtual_reader_.reader(); }
  const DeviceInfo& device() const { return virtual_reader_.device(); }

  // Enrolls `print`, presenting it whenever the device asks for a finger.
  Template Enroll(const GreyImage& print) {
    EventLog log;
    auto enrolled = reader().Enroll(device().id, {kPatience, log.Callback()});
    for (int stage = 1; stage <= device().enroll_stages; ++stage) {
      REQUIRE(log.WaitFor(ScanEvent::Kind::kPlaceFinger, stage));
      client_.SendImage(print);
    }
    Result<Template> result = Await(std::move(enrolled));
    INFO((result.ok() ? "" : result.error().message()));
    REQUIRE(result.ok());
    int stages_completed = 0;
    for (const ScanEvent& event : log.Events()) {
      if (event.kind != ScanEvent::Kind::kStageCompleted) continue;
      CHECK(event.completed_stages == ++stages_completed);
      CHECK(event.total_stages == device().enroll_stages);
    }
    CHECK(stages_completed == device().enroll_stages);
    return std::move(result).value();
  }

  // Starts a one-capture operation with start(options) and calls present() once the device
  // asks for a finger.
  template <typename Start, typename Present>
  auto Capture(Start start, Present present) {
    EventLog log;
    auto outcome = start(ScanOptions{kPatience, log.Callback()});
    REQUIRE(log.WaitFor(ScanEvent::Kind::kPlaceFinger, 1));
    present();
    return Await(std::move(outcome));
  }

  Result<bool> Verify(const Template& enrolled, const GreyImage& presented) {
    return Capture(
        [&](ScanOptions options) {
          return reader().Verify(device().id, enrolled, std::move(options));
        },
        [&] { client_.SendImage(presented); });
  }

  testing::VirtualImageClient& client() { return client_; }

 private:
  testing::VirtualReader virtual_reader_;
  testing::VirtualImageClient client_;
};

TEST_CASE_METHOD(VirtualImageFixture, "virtual_image lists as an identifying device",
                 "[devices][virtual_image]") {
  CHECK(device().driver == "virtual_image");
  CHECK(device().id == "virtual_image/0");
  CHECK(device().enroll_stages == 5);
  CHECK(device().supports_identify);
}

TEST_CASE_METHOD(VirtualImageFixture,
                 "a NIST print enrolls, then verifies itself and rejects another finger",
                 "[devices][virtual_image]") {
  const GreyImage whorl = LoadPrint("whorl");
  const Template enrolled = Enroll(whorl);
  CHECK_FALSE(enrolled.empty());

  const Result<bool> same = Verify(enrolled, whorl);
  REQUIRE(same.ok());
  CHECK(same.value());

  const Result<bool> other = Verify(enrolled, LoadPrint("tented_arch"));
  REQUIRE(other.ok());
  CHECK_FALSE(other.value());
}

TEST_CASE_METHOD(VirtualImageFixture, "identify finds each NIST print in a gallery of all four",
                 "[devices][virtual_image]") {
  const std::vector<std::string> names = {"arch", "loop-right", "tented_arch", "whorl"};
  std::vector<GreyImage> prints;
  std::vector<Template> gallery;
  for (const std::string& name : names) {
    prints.push_back(LoadPrint(name));
    gallery.push_back(Enroll(prints.back()));
  }
  for (std::size_t i = 0; i < prints.size(); ++i) {
    INFO(names[i]);
    const Result<std::optional<std::size_t>> found = Capture(
        [&](ScanOptions options) {
          return reader().Identify(device().id, gallery, std::move(options));
        },
        [&] { client().SendImage(prints[i]); });
    REQUIRE(found.ok());
    CHECK(found.value() == i);
  }
}

TEST_CASE_METHOD(VirtualImageFixture,
                 "a retry or an unusable template fails the operation; the next one works",
                 "[devices][virtual_image]") {
  const GreyImage whorl = LoadPrint("whorl");
  const Template enrolled = Enroll(whorl);

  const Result<bool> retried = Capture(
      [&](ScanOptions options) {
        return reader().Verify(device().id, enrolled, std::move(options));
      },
      [&] { client().SendRetry(FP_DEVICE_RETRY_CENTER_FINGER); });
  REQUIRE_FALSE(retried.ok());
  CHECK(retried.error().code() == ErrorCode::kRetryCenterFinger);
  CHECK(IsRetry(retried.error().code()));
  CHECK(retried.error().message() ==
        "fingerprint device virtual_image/0: the finger was not centered on the reader; "
        "center it and try again");

  for (const Template& unusable : {Template{}, Template{'F', 'P', '3'}, Template(64, 0x5a)}) {
    const Result<bool> refused = Await(reader().Verify(device().id, unusable));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code() == ErrorCode::kInvalidTemplate);
  }
  const Result<std::optional<std::size_t>> empty_gallery =
      Await(reader().Identify(device().id, {}));
  REQUIRE_FALSE(empty_gallery.ok());
  CHECK(empty_gallery.error().code() == ErrorCode::kInvalidArgument);
  const Result<std::optional<std::size_t>> bad_entry =
      Await(reader().Identify(device().id, {enrolled, Template(64, 0x5a)}));
  REQUIRE_FALSE(bad_entry.ok());
  CHECK(bad_entry.error().code() == ErrorCode::kInvalidTemplate);
  CHECK(bad_entry.error().message().ends_with("(gallery entry 1)"));

  const Result<bool> verified = Verify(enrolled, whorl);
  REQUIRE(verified.ok());
  CHECK(verified.value());
}

}  // namespace
}  // namespace dancu::devices
