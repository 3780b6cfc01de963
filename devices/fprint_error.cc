#include "devices/fprint_error.h"

#include <fprint.h>
#include <gio/gio.h>

#include <string>
#include <utility>

namespace dancu::devices::internal {
namespace {

ErrorCode FromRetry(gint code) {
  switch (static_cast<FpDeviceRetry>(code)) {
    case FP_DEVICE_RETRY_GENERAL: return ErrorCode::kRetryScan;
    case FP_DEVICE_RETRY_TOO_SHORT: return ErrorCode::kRetryTooShort;
    case FP_DEVICE_RETRY_CENTER_FINGER: return ErrorCode::kRetryCenterFinger;
    case FP_DEVICE_RETRY_REMOVE_FINGER: return ErrorCode::kRetryRemoveFinger;
  }
  return ErrorCode::kRetryScan;  // a reason added by a later libfprint
}

ErrorCode FromDeviceError(gint code) {
  switch (static_cast<FpDeviceError>(code)) {
    case FP_DEVICE_ERROR_GENERAL: return ErrorCode::kDeviceFailed;
    case FP_DEVICE_ERROR_NOT_SUPPORTED: return ErrorCode::kNotSupported;
    case FP_DEVICE_ERROR_NOT_OPEN: return ErrorCode::kNotOpen;
    case FP_DEVICE_ERROR_ALREADY_OPEN: return ErrorCode::kAlreadyOpen;
    case FP_DEVICE_ERROR_BUSY: return ErrorCode::kBusy;
    case FP_DEVICE_ERROR_PROTO: return ErrorCode::kProtocolError;
    case FP_DEVICE_ERROR_DATA_INVALID: return ErrorCode::kInvalidTemplate;
    case FP_DEVICE_ERROR_DATA_NOT_FOUND: return ErrorCode::kTemplateNotFound;
    case FP_DEVICE_ERROR_DATA_FULL: return ErrorCode::kStorageFull;
    case FP_DEVICE_ERROR_DATA_DUPLICATE: return ErrorCode::kDuplicate;
    case FP_DEVICE_ERROR_REMOVED: return ErrorCode::kDeviceRemoved;
    case FP_DEVICE_ERROR_TOO_HOT: return ErrorCode::kTooHot;
  }
  return ErrorCode::kDeviceFailed;  // an error added by a later libfprint
}

ErrorCode Classify(const GError& error, std::optional<ErrorCode> aborted) {
  if (error.domain == FP_DEVICE_RETRY) return FromRetry(error.code);
  if (error.domain == FP_DEVICE_ERROR) return FromDeviceError(error.code);
  if (g_error_matches(&error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    return aborted.value_or(ErrorCode::kCancelled);
  }
  if (g_error_matches(&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) return ErrorCode::kTimedOut;
  return ErrorCode::kDeviceFailed;
}

}  // namespace

Error MakeError(ErrorCode code, std::string_view device_id, std::string_view detail) {
  std::string message = "fingerprint device ";
  message += device_id;
  message += ": ";
  message += Describe(code);
  if (!detail.empty()) {
    message += " (";
    message += detail;
    message += ")";
  }
  return Error(code, std::move(message));
}

Error FromGError(const GError& error, std::string_view device_id,
                 std::optional<ErrorCode> aborted) {
  const ErrorCode code = Classify(error, aborted);
  // Failures keep libfprint's own words for whoever diagnoses the device. They name protocol
  // and driver states, never print data.
  if (code == ErrorCode::kDeviceFailed || code == ErrorCode::kProtocolError) {
    return MakeError(code, device_id, std::string("libfprint: ") + error.message);
  }
  return MakeError(code, device_id);
}

}  // namespace dancu::devices::internal
