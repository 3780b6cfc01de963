// Test support for libfprint's virtual drivers: a FingerprintReader whose one device is a
// virtual driver, clients for the drivers' sockets, NIST prints, and scan-event bookkeeping.
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

namespace dancu::devices::testing {

using namespace std::chrono_literals;

// How long a test waits for anything before it fails instead of hanging.
inline constexpr std::chrono::milliseconds kPatience = 30s;

// An 8-bit grey image, row by row, as the virtual_image driver takes it.
struct GreyImage {
  std::int32_t width = 0;
  std::int32_t height = 0;
  std::vector<std::uint8_t> pixels;
};

// Loads one of the NIST prints (shared/data/prints/<name>.png). The print lives in the PNG's
// alpha channel, which becomes the grey level, as libfprint's own tests do.
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

// The virtual_image driver's client: one connection over which it sends frames, each an int32
// width and int32 height in host byte order followed by the pixels. A negative width makes the
// frame a command (-1: retry with the given FpDeviceRetry code).
class VirtualImageClient {
 public:
  explicit VirtualImageClient(const std::string& socket_path);
  ~VirtualImageClient();
  VirtualImageClient(const VirtualImageClient&) = delete;
  VirtualImageClient& operator=(const VirtualImageClient&) = delete;

  void SendImage(const GreyImage& image);
  void SendRetry(std::int32_t retry_code);

 private:
  void Send(const void* data, std::size_t size);
  int fd_;
};

// Sends one text command (e.g. "SCAN finger-1", "RETRY 1", "ERROR 5", "UNPLUG") to the
// virtual_device driver on a connection of its own, and returns once the driver has read it
// (it closes each connection after one command). The driver queues commands until an
// operation consumes them.
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
