// FingerprintReader with libfprint's virtual_device driver, scripted through its socket: device
// errors, retries, unplugging, timeouts and cancellation, each followed by an operation that
// must work.
#include <fprint.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/devices/virtual_drivers.h"

namespace dancu::devices {
namespace {

using namespace std::chrono_literals;
using testing::Await;
using testing::EventLog;

class VirtualDeviceFixture {
 public:
  VirtualDeviceFixture() : virtual_reader_("virtual_device", "FP_VIRTUAL_DEVICE") {}

 protected:
  FingerprintReader& reader() { return virtual_reader_.reader(); }
  const DeviceInfo& device() const { return virtual_reader_.device(); }
  const std::string& id() const { return device().id; }

  void Command(const std::string& command) {
    testing::SendVirtualDeviceCommand(virtual_reader_.socket_path(), command);
  }

  // Enrolls the finger the driver knows as `finger`, scanning it at every stage.
  Template Enroll(const std::string& finger, ScanOptions options = {}) {
    for (int stage = 0; stage < device().enroll_stages; ++stage) Command("SCAN " + finger);
    Result<Template> enrolled = Await(reader().Enroll(id(), std::move(options)));
    INFO((enrolled.ok() ? "" : enrolled.error().message()));
    REQUIRE(enrolled.ok());
    return std::move(enrolled).value();
  }

  Result<bool> Verify(const Template& enrolled, const std::string& scanned_finger) {
    Command("SCAN " + scanned_finger);
    return Await(reader().Verify(id(), enrolled));
  }

  // Starts an enrollment and returns once the device waits for a finger.
  std::future<Result<Template>> StartWaitingEnroll(EventLog& log, ScanOptions options = {}) {
    options.on_event = log.Callback();
    auto enrolled = reader().Enroll(id(), std::move(options));
    REQUIRE(log.WaitFor(ScanEvent::Kind::kPlaceFinger, 1));
    return enrolled;
  }

  // Whatever failed before, the device still enrolls and verifies.
  void RequireWorking() {
    const Template enrolled = Enroll("finger-ok");
    const Result<bool> verified = Verify(enrolled, "finger-ok");
    REQUIRE(verified.ok());
    CHECK(verified.value());
  }

 private:
  testing::VirtualReader virtual_reader_;
};

TEST_CASE_METHOD(VirtualDeviceFixture, "virtual_device enrolls and verifies scripted fingers",
                 "[devices][virtual_device]") {
  CHECK(id() == "virtual_device/0");
  CHECK(device().enroll_stages == 5);
  CHECK_FALSE(device().supports_identify);

  const Template enrolled = Enroll("finger-a");
  const Result<bool> same = Verify(enrolled, "finger-a");
  REQUIRE(same.ok());
  CHECK(same.value());
  const Result<bool> other = Verify(enrolled, "finger-b");
  REQUIRE(other.ok());
  CHECK_FALSE(other.value());
}

TEST_CASE_METHOD(VirtualDeviceFixture, "requests the device or the process cannot serve",
                 "[devices][virtual_device]") {
  const Template enrolled = Enroll("finger-a");

  const Result<std::optional<std::size_t>> identified =
      Await(reader().Identify(id(), std::vector<Template>{enrolled}));
  REQUIRE_FALSE(identified.ok());
  CHECK(identified.error().code() == ErrorCode::kNotSupported);

  const Result<void> reopened = Await(reader().Open(id()));
  REQUIRE_FALSE(reopened.ok());
  CHECK(reopened.error().code() == ErrorCode::kAlreadyOpen);

  const Result<void> missing = Await(reader().Open("virtual_device/7"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::kDeviceNotFound);
  CHECK(missing.error().message() ==
        "fingerprint device virtual_device/7: no such fingerprint reader");

  const auto second = FingerprintReader::Start();
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code() == ErrorCode::kUnavailable);

  RequireWorking();
}

TEST_CASE_METHOD(VirtualDeviceFixture,
                 "device errors end the operation with distinct codes; the device goes on",
                 "[devices][virtual_device]") {
  const std::vector<std::pair<FpDeviceError, ErrorCode>> cases = {
      {FP_DEVICE_ERROR_GENERAL, ErrorCode::kDeviceFailed},
      {FP_DEVICE_ERROR_PROTO, ErrorCode::kProtocolError},
      {FP_DEVICE_ERROR_DATA_FULL, ErrorCode::kStorageFull},
      {FP_DEVICE_ERROR_DATA_DUPLICATE, ErrorCode::kDuplicate},
      {FP_DEVICE_ERROR_TOO_HOT, ErrorCode::kTooHot},
  };
  for (const auto& [device_error, expected] : cases) {
    INFO("FpDeviceError " << device_error);
    Command("ERROR " + std::to_string(device_error));
    const Result<Template> enrolled = Await(reader().Enroll(id()));
    REQUIRE_FALSE(enrolled.ok());
    CHECK(enrolled.error().code() == expected);
    CHECK(enrolled.error().message().starts_with("fingerprint device virtual_device/0: " +
                                                 std::string(Describe(expected))));
  }
  RequireWorking();
}

TEST_CASE_METHOD(VirtualDeviceFixture,
                 "retries are reported with their reasons and the enrollment goes on",
                 "[devices][virtual_device]") {
  const std::vector<std::pair<FpDeviceRetry, ErrorCode>> retries = {
      {FP_DEVICE_RETRY_TOO_SHORT, ErrorCode::kRetryTooShort},
      {FP_DEVICE_RETRY_CENTER_FINGER, ErrorCode::kRetryCenterFinger},
      {FP_DEVICE_RETRY_REMOVE_FINGER, ErrorCode::kRetryRemoveFinger},
      {FP_DEVICE_RETRY_GENERAL, ErrorCode::kRetryScan},
  };
  std::vector<ErrorCode> expected;
  for (const auto& [retry, code] : retries) {  // a retry after each of the first four stages
    Command("SCAN finger-a");
    Command("RETRY " + std::to_string(retry));
    expected.push_back(code);
  }
  Command("SCAN finger-a");
  EventLog log;
  const Result<Template> enrolled =
      Await(reader().Enroll(id(), ScanOptions{testing::kPatience, log.Callback()}));
  REQUIRE(enrolled.ok());

  std::vector<ErrorCode> reported;
  int stages_completed = 0;
  for (const ScanEvent& event : log.Events()) {
    if (event.kind == ScanEvent::Kind::kRetry) {
      REQUIRE(event.retry.has_value());
      CHECK(IsRetry(event.retry->code()));
      CHECK(event.completed_stages == stages_completed);
      reported.push_back(event.retry->code());
    } else if (event.kind == ScanEvent::Kind::kStageCompleted) {
      stages_completed = event.completed_stages;
    }
  }
  CHECK(reported == expected);
  CHECK(stages_completed == device().enroll_stages);

  // Verify and identify do not go on after a retry: they end with it, and the caller asks again.
  Command("RETRY " + std::to_string(FP_DEVICE_RETRY_TOO_SHORT));
  const Result<bool> retried = Await(reader().Verify(id(), enrolled.value()));
  REQUIRE_FALSE(retried.ok());
  CHECK(retried.error().code() == ErrorCode::kRetryTooShort);
  const Result<bool> verified = Verify(enrolled.value(), "finger-a");
  REQUIRE(verified.ok());
  CHECK(verified.value());
}

TEST_CASE_METHOD(VirtualDeviceFixture, "the device is unplugged mid-capture",
                 "[devices][virtual_device]") {
  EventLog log;
  auto enrolled = StartWaitingEnroll(log);
  Command("UNPLUG");
  const Result<Template> unplugged = Await(std::move(enrolled));
  REQUIRE_FALSE(unplugged.ok());
  CHECK(unplugged.error().code() == ErrorCode::kDeviceRemoved);
  CHECK(unplugged.error().message() ==
        "fingerprint device virtual_device/0: the reader was disconnected");

  // The reader goes on: the device has left the list and only Close still reaches it.
  CHECK(Await(reader().ListDevices()).empty());
  const Result<Template> again = Await(reader().Enroll(id()));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code() == ErrorCode::kDeviceNotFound);
  const Result<void> closed = Await(reader().Close(id()));
  CHECK(closed.ok());
  const Result<void> reopened = Await(reader().Open(id()));
  REQUIRE_FALSE(reopened.ok());
  CHECK(reopened.error().code() == ErrorCode::kDeviceNotFound);
}

TEST_CASE_METHOD(VirtualDeviceFixture, "a timeout cancels the capture; the device goes on",
                 "[devices][virtual_device]") {
  const auto started = std::chrono::steady_clock::now();
  const Result<Template> timed_out = Await(reader().Enroll(id(), ScanOptions{300ms, {}}));
  const auto waited = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(timed_out.ok());
  CHECK(timed_out.error().code() == ErrorCode::kTimedOut);
  CHECK(waited >= 300ms);
  RequireWorking();
}

TEST_CASE_METHOD(VirtualDeviceFixture,
                 "another thread cancels the capture; a busy device refuses a second one",
                 "[devices][virtual_device]") {
  EventLog log;
  auto enrolled = StartWaitingEnroll(log);

  const Result<bool> busy = Await(reader().Verify(id(), Template{}));
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.error().code() == ErrorCode::kBusy);

  std::thread canceller([this] { reader().Cancel(id()); });
  canceller.join();
  const Result<Template> cancelled = Await(std::move(enrolled));
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().code() == ErrorCode::kCancelled);

  reader().Cancel(id());  // nothing runs: no effect
  RequireWorking();
}

TEST_CASE("destroying the reader cancels the running capture", "[devices][virtual_device]") {
  auto virtual_reader =
      std::make_unique<testing::VirtualReader>("virtual_device", "FP_VIRTUAL_DEVICE");
  EventLog log;
  auto enrolled = virtual_reader->reader().Enroll(
      virtual_reader->device().id, ScanOptions{testing::kPatience, log.Callback()});
  REQUIRE(log.WaitFor(ScanEvent::Kind::kPlaceFinger, 1));
  virtual_reader.reset();
  const Result<Template> cancelled = Await(std::move(enrolled));
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().code() == ErrorCode::kCancelled);
}

}  // namespace
}  // namespace dancu::devices
