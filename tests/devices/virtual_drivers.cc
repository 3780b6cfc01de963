#include "tests/devices/virtual_drivers.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <utility>

namespace dancu::devices::testing {

GreyImage LoadPrint(const std::string& name) {
  return tools::fixtures::LoadPrint(std::string(DANCU_SHARED_DATA) + "/prints/" + name + ".png");
}

VirtualReader::TempDir::TempDir() {
  char name[] = "/tmp/dancu-devices-XXXXXX";
  if (mkdtemp(name) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
  path = name;
}

VirtualReader::TempDir::~TempDir() { std::filesystem::remove_all(path); }

VirtualReader::VirtualReader(const std::string& driver, const std::string& socket_variable)
    : socket_path_((dir_.path / "device.socket").string()) {
  setenv("FP_DRIVERS_WHITELIST", driver.c_str(), 1);
  for (const char* variable : {"FP_VIRTUAL_IMAGE", "FP_VIRTUAL_DEVICE"}) unsetenv(variable);
  setenv(socket_variable.c_str(), socket_path_.c_str(), 1);

  Result<std::unique_ptr<FingerprintReader>> started = FingerprintReader::Start();
  if (!started.ok()) throw std::runtime_error(started.error().message());
  reader_ = std::move(started).value();
  const std::vector<DeviceInfo> devices = Await(reader_->ListDevices());
  if (devices.size() != 1 || devices[0].driver != driver) {
    throw std::runtime_error("expected exactly one " + driver + " device");
  }
  device_ = devices[0];
  if (Result<void> opened = Await(reader_->Open(device_.id)); !opened.ok()) {
    throw std::runtime_error(opened.error().message());
  }
}

void SendVirtualDeviceCommand(const std::string& socket_path, const std::string& command) {
  tools::fixtures::SendVirtualDeviceCommand(
      socket_path, command,
      static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(kPatience).count()));
}

EventLog::EventLog() : state_(std::make_shared<State>()) {}

ScanCallback EventLog::Callback() {
  return [state = state_](const ScanEvent& event) {
    {
      std::lock_guard<std::mutex> lock(state->mu);
      state->events.push_back(event);
    }
    state->changed.notify_all();
  };
}

bool EventLog::WaitFor(ScanEvent::Kind kind, int count) {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->changed.wait_for(lock, kPatience, [&] {
    return std::count_if(state_->events.begin(), state_->events.end(),
                         [&](const ScanEvent& event) { return event.kind == kind; }) >= count;
  });
}

std::vector<ScanEvent> EventLog::Events() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->events;
}

}  // namespace dancu::devices::testing
