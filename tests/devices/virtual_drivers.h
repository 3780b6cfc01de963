// Test support for libfprint's virtual drivers: a FingerprintReader whose one device is a
// virtual driver, the NIST prints and the drivers' clients (tools/fixtures), and scan-event
// bookkeeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "devices/fingerprint_reader.h"
#include "tools/fixtures/virtual_image_feed.h"

namespace dancu::devices::testing {

using namespace std::chrono_literals;

// How long a test waits for anything before it fails instead of hanging.
inline constexpr std::chrono::milliseconds kPatience = 30s;

using tools::fixtures::GreyImage;
using tools::fixtures::VirtualImageClient;

// Loads one of the NIST prints (shared/data/prints/<name>.png); see tools::fixtures::LoadPrint.
GreyImage LoadPrint(const std::string& name);

// A FingerprintReader started with one libfprint virtual driver as its only device, opened.
// libfprint reads the environment when the reader starts, so this sets FP_DRIVERS_WHITELIST
// (keeping real readers out) and the driver's socket variable first.
class VirtualReader {
 public:
  // `driver` e.g. "virtual_image", `socket_variable` e.g. "FP_VIRTUAL_IMAGE".
  VirtualReader(const std::string& driver, const std::string& socket_variable);

  FingerprintReader& reader() { return *reader_; }
  const DeviceInfo& device() const { return device_; }
  const std::string& socket_path() const { return socket_path_; }

 private:
  struct TempDir {
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::filesystem::path path;
  };

  TempDir dir_;  // holds the socket; outlives the reader
  std::string socket_path_;
  std::unique_ptr<FingerprintReader> reader_;
  DeviceInfo device_;
};

// Sends one text command to the virtual_device driver, waiting at most kPatience; see
// tools::fixtures::SendVirtualDeviceCommand.
void SendVirtualDeviceCommand(const std::string& socket_path, const std::string& command);

// Records the ScanEvents of operations and lets the test thread wait for them.
class EventLog {
 public:
  EventLog();

  // A callback for ScanOptions::on_event; it may outlive the EventLog.
  ScanCallback Callback();

  // Waits until `count` events of `kind` have arrived in all; false after kPatience.
  bool WaitFor(ScanEvent::Kind kind, int count);

  std::vector<ScanEvent> Events() const;

 private:
  struct State {
    mutable std::mutex mu;
    std::condition_variable changed;
    std::vector<ScanEvent> events;
  };
  std::shared_ptr<State> state_;
};

// The outcome of `future`, waiting at most kPatience (then a test failure).
template <typename T>
T Await(std::future<T> future) {
  if (future.wait_for(kPatience) != std::future_status::ready) {
    throw std::runtime_error("operation did not finish in time");
  }
  return future.get();
}

}  // namespace dancu::devices::testing
