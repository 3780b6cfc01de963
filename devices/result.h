// The devices module's own error type: devices/ depends on nothing else of ours.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace dancu::devices {

// Every way a reader operation can fail. Each code has one fixed English description
// (Describe) that a UI may show to an operator.
enum class ErrorCode {
  // The caller's request.
  kInvalidArgument,  // e.g. an empty identification gallery
  kInvalidTemplate,  // a template blob that is corrupt or from another kind of reader
  kDeviceNotFound,   // no reader with that id (never existed, or unplugged and closed)
  kNotSupported,     // the reader cannot do this operation (e.g. identify)
  kNotOpen,
  kAlreadyOpen,
  kBusy,             // the reader is running another operation
  kUnavailable,      // the fingerprint subsystem cannot start in this process

  // The capture was unusable; the person should try again. During enrollment these arrive as
  // ScanEvent::kRetry and the enrollment goes on; verify and identify fail with them.
  kRetryScan,           // poor quality scan
  kRetryTooShort,       // swipe too short
  kRetryCenterFinger,   // finger not centered
  kRetryRemoveFinger,   // remove the finger and place it again

  // The reader or the operation failed.
  kDeviceFailed,      // the reader reported a general failure
  kProtocolError,     // communication with the reader broke down
  kTemplateNotFound,  // a template was not in the reader's own storage
  kStorageFull,       // the reader's own template storage is full
  kDuplicate,         // the finger is already enrolled in the reader's own storage
  kDeviceRemoved,     // the reader was unplugged
  kTooHot,            // the reader refuses to run until it cools down
  kTimedOut,          // the operation's timeout expired, or the reader timed out
  kCancelled,         // FingerprintReader::Cancel, or the reader shutting down

  // Chip cards (devices/card).
  kNoCardReader,     // no smart-card reader is connected (or none by the requested name)
  kNoCard,           // the reader holds no card
  kCardRemoved,      // the card left the reader during the operation
  kAccessDenied,     // the card refused the access key (e.g. a wrong birth date for BAC)
  kUnsupportedCard,  // the card is not an ICAO 9303 document, or uses what we do not support
  kSecureMessaging,  // a protected response failed its MAC or was malformed
};

// The fixed English description of `code`, e.g. "the finger was not centered on the reader".
std::string_view Describe(ErrorCode code);

// Whether `code` asks the person to scan again (the kRetry* codes).
bool IsRetry(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  // Describe(code()) with context such as the reader id. Never holds biometric data.
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_;
  std::string message_;
};

// A value or an Error. value() and error() throw std::bad_variant_access on the wrong side.
template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit by design, so that functions can `return value;` or `return error;`.
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return error_.index() == 0; }
  const Error& error() const { return std::get<1>(error_); }

 private:
  std::variant<std::monostate, Error> error_;
};

}  // namespace dancu::devices
