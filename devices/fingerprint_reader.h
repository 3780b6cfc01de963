// FingerprintReader: the fingerprint devices (physical readers) of this node, driven through
// libfprint-2.
//
// Threading. A FingerprintReader owns one thread, the reader thread, which makes every libfprint
// and GLib call of this module (libfprint itself may detect minutiae on GLib worker threads of
// its own). The reader thread runs a GMainLoop on GLib's global default GMainContext and
// holds that context (g_main_context_acquire) for its whole life: libfprint 1.94 and its drivers
// attach sources there (g_idle_add, g_timeout_add, fp_context_enumerate's own iteration), so
// no private context would work. Hence at most one FingerprintReader exists per process, and no
// other code in the process may iterate the default main context.
//
// Other threads talk to the reader thread through a FIFO queue of requests (a mutex-guarded
// deque and an eventfd that wakes the loop, so callers make no GLib call): every public method
// below only enqueues a request and returns a std::future at once, and is safe to call from any
// thread, concurrently. A request runs on the reader thread in the order it was queued; its
// future becomes ready when the operation has finished in libfprint. Operations on different
// devices run concurrently; a second operation on a device that is busy fails with kBusy.
//
// Callbacks (ScanOptions::on_event) run on the reader thread, in order. They must return
// quickly, and must not wait on a future of this FingerprintReader (that would deadlock); they
// may call its methods, which only enqueue.
//
// Errors. Each operation ends with a value or an Error whose code tells what happened (see
// ErrorCode). Whatever the error -- a device error, a retry, a timeout, a cancellation, a
// device being unplugged -- the FingerprintReader stays usable for the next operation. Error
// messages and anything else this module produces hold no biometric data (templates, images).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "devices/result.h"

namespace dancu::devices {

// An enrolled fingerprint as libfprint serializes it (fp_print_serialize): opaque, and only
// usable with the same kind of device (driver). Biometric data: never log or display it.
using Template = std::vector<std::uint8_t>;

struct DeviceInfo {
  std::string id;          // "<driver>/<n>", stable while the device stays plugged in
  std::string name;        // human-readable model, e.g. "Virtual image device for debugging"
  std::string driver;      // libfprint driver, e.g. "virtual_image"
  int enroll_stages = 0;   // captures one enrollment takes
  bool supports_identify = false;
};

// Progress of a scanning operation, for the person at the device.
struct ScanEvent {
  enum class Kind {
    kPlaceFinger,     // the device is waiting for a finger
    kStageCompleted,  // Enroll: one more capture accepted (completed_stages of total_stages)
    kRetry,           // Enroll: the last capture was unusable, see `retry`; enrollment goes on
  };
  Kind kind = Kind::kPlaceFinger;
  int completed_stages = 0;    // kStageCompleted and kRetry
  int total_stages = 0;        // kStageCompleted and kRetry
  std::optional<Error> retry;  // kRetry: why, with a kRetry* code
};

using ScanCallback = std::function<void(const ScanEvent&)>;

// Timeouts cover the whole operation, from the moment it starts on the reader thread; when one
// expires the operation is cancelled like Cancel does, and ends with kTimedOut.
inline constexpr std::chrono::milliseconds kDefaultOpenCloseTimeout{10'000};
inline constexpr std::chrono::milliseconds kDefaultScanTimeout{60'000};

struct ScanOptions {
  std::chrono::milliseconds timeout = kDefaultScanTimeout;
  ScanCallback on_event;  // may be empty
};

class FingerprintReader {
 public:
  // Starts the reader thread and enumerates the devices present (libfprint reads its
  // environment, e.g. FP_DRIVERS_WHITELIST and FP_VIRTUAL_*, at this point). Fails with
  // kUnavailable if another FingerprintReader exists or GLib's default main context is owned
  // by another thread.
  static Result<std::unique_ptr<FingerprintReader>> Start();

  // Cancels running operations (their futures end with kCancelled), closes open devices and
  // joins the reader thread. Must not be called from a callback, nor concurrently with the
  // other methods.
  ~FingerprintReader();

  FingerprintReader(const FingerprintReader&) = delete;
  FingerprintReader& operator=(const FingerprintReader&) = delete;

  // The devices plugged in now.
  std::future<std::vector<DeviceInfo>> ListDevices();

  std::future<Result<void>> Open(
      std::string device_id, std::chrono::milliseconds timeout = kDefaultOpenCloseTimeout);
  // Leaves the device closed. A device unplugged while open (its operation ended with
  // kDeviceRemoved) has left ListDevices, and Close is the only operation that still reaches
  // it (others report kDeviceNotFound): closing it releases it and succeeds.
  std::future<Result<void>> Close(
      std::string device_id, std::chrono::milliseconds timeout = kDefaultOpenCloseTimeout);

  // Captures the finger enroll_stages times and returns its template.
  std::future<Result<Template>> Enroll(std::string device_id, ScanOptions options = {});

  // Captures a finger and tells whether it matches `enrolled`. A retry ends the operation
  // with a kRetry* error: ask for the finger again and call Verify again.
  std::future<Result<bool>> Verify(std::string device_id, Template enrolled,
                                   ScanOptions options = {});

  // Captures a finger and returns the index in `gallery` of a matching template, or nullopt.
  // Needs DeviceInfo::supports_identify (else kNotSupported). Retries as for Verify.
  std::future<Result<std::optional<std::size_t>>> Identify(std::string device_id,
                                                           std::vector<Template> gallery,
                                                           ScanOptions options = {});

  // Cancels the operation running on `device_id` when this request reaches the reader thread,
  // if there is one: the reader thread cancels the operation's GCancellable, and the operation
  // ends with kCancelled once libfprint has stopped it. Does nothing otherwise.
  void Cancel(std::string device_id);

 private:
  class Impl;
  explicit FingerprintReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dancu::devices
