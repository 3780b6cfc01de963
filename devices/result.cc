#include "devices/result.h"

namespace dancu::devices {

std::string_view Describe(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kInvalidTemplate:
      return "the template is corrupt or was enrolled on another kind of reader";
    case ErrorCode::kDeviceNotFound: return "no such fingerprint reader";
    case ErrorCode::kNotSupported: return "the reader does not support this operation";
    case ErrorCode::kNotOpen: return "the reader is not open";
    case ErrorCode::kAlreadyOpen: return "the reader is already open";
    case ErrorCode::kBusy: return "the reader is busy with another operation";
    case ErrorCode::kUnavailable: return "the fingerprint subsystem is unavailable";
    case ErrorCode::kRetryScan: return "the scan was poor; place the finger again";
    case ErrorCode::kRetryTooShort: return "the swipe was too short; swipe the finger again";
    case ErrorCode::kRetryCenterFinger:
      return "the finger was not centered on the reader; center it and try again";
    case ErrorCode::kRetryRemoveFinger:
      return "remove the finger from the reader and place it again";
    case ErrorCode::kDeviceFailed: return "the reader reported a failure";
    case ErrorCode::kProtocolError: return "communication with the reader failed";
    case ErrorCode::kTemplateNotFound: return "the template is not in the reader's storage";
    case ErrorCode::kStorageFull: return "the reader's template storage is full";
    case ErrorCode::kDuplicate: return "the finger is already enrolled on the reader";
    case ErrorCode::kDeviceRemoved: return "the reader was disconnected";
    case ErrorCode::kTooHot: return "the reader is too hot; let it cool down";
    case ErrorCode::kTimedOut: return "the operation timed out";
    case ErrorCode::kCancelled: return "the operation was cancelled";
    case ErrorCode::kNoCardReader: return "no smart-card reader is connected";
    case ErrorCode::kNoCard: return "there is no card in the reader";
    case ErrorCode::kCardRemoved: return "the card was removed from the reader during the read";
    case ErrorCode::kAccessDenied:
      return "the card refused the access key: check the citizen number, birth and expiry dates";
    case ErrorCode::kUnsupportedCard: return "the card is not a supported chip identity card";
    case ErrorCode::kSecureMessaging: return "the card's protected answer failed its check";
  }
  return "unknown error";
}

bool IsRetry(ErrorCode code) {
  return code == ErrorCode::kRetryScan || code == ErrorCode::kRetryTooShort ||
         code == ErrorCode::kRetryCenterFinger || code == ErrorCode::kRetryRemoveFinger;
}

}  // namespace dancu::devices
