#include "tests/devices/virtual_drivers.h"

#include <png.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <utility>

namespace dancu::devices::testing {
namespace {

[[noreturn]] void ThrowErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

int ConnectUnix(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) throw std::runtime_error("path too long: " + path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) ThrowErrno("socket");
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    close(fd);
    throw std::system_error(error, std::generic_category(), "connect " + path);
  }
  return fd;
}

void SendAll(int fd, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  while (size > 0) {
    const ssize_t sent = send(fd, bytes, size, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("send");
    }
    bytes += sent;
    size -= static_cast<std::size_t>(sent);
  }
}

}  // namespace

GreyImage LoadPrint(const std::string& name) {
  const std::string path = std::string(DANCU_SHARED_DATA) + "/prints/" + name + ".png";
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str())) {
    throw std::runtime_error(path + ": " + png.message);
  }
  png.format = PNG_FORMAT_GA;  // grey, alpha: two bytes per pixel
  std::vector<png_byte> grey_alpha(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, grey_alpha.data(), 0, nullptr)) {
    throw std::runtime_error(path + ": " + png.message);
  }
  GreyImage image;
  image.width = static_cast<std::int32_t>(png.width);
  image.height = static_cast<std::int32_t>(png.height);
  image.pixels.reserve(grey_alpha.size() / 2);
  for (std::size_t i = 1; i < grey_alpha.size(); i += 2) image.pixels.push_back(grey_alpha[i]);
  return image;
}

VirtualReader::TempDir::TempDir() {
  char name[] = "/tmp/dancu-devices-XXXXXX";
  if (mkdtemp(name) == nullptr) ThrowErrno("mkdtemp");
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

VirtualImageClient::VirtualImageClient(const std::string& socket_path)
    : fd_(ConnectUnix(socket_path)) {}

VirtualImageClient::~VirtualImageClient() { close(fd_); }

void VirtualImageClient::SendImage(const GreyImage& image) {
  const std::int32_t header[2] = {image.width, image.height};
  Send(header, sizeof header);
  Send(image.pixels.data(), image.pixels.size());
}

void VirtualImageClient::SendRetry(std::int32_t retry_code) {
  const std::int32_t header[2] = {-1, retry_code};
  Send(header, sizeof header);
}

void VirtualImageClient::Send(const void* data, std::size_t size) { SendAll(fd_, data, size); }

void SendVirtualDeviceCommand(const std::string& socket_path, const std::string& command) {
  const int fd = ConnectUnix(socket_path);
  timeval patience{};
  patience.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(kPatience).count();
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  SendAll(fd, command.data(), command.size());
  // The driver closes the connection once it has read the command: wait for that, so that the
  // next command's connection cannot make it drop this one unread.
  char ignored[64];
  ssize_t received;
  do {
    received = recv(fd, ignored, sizeof ignored, 0);
  } while (received > 0 || (received < 0 && errno == EINTR));
  const int error = errno;
  close(fd);
  if (received < 0) {
    throw std::system_error(error, std::generic_category(), "virtual_device ignored " + command);
  }
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
