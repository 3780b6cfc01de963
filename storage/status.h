// Status and Result<T>: how every module boundary in dancu reports failure.
//
// Value types; cheap to move. A Status is either ok() or carries a code and a human-readable
// message meant for the officer or operator (English, no biometric or secret material).
// Exceptions thrown by third-party libraries (Cap'n Proto, RocksDB wrappers) are caught at the
// module that calls them and turned into a Status; they never cross our interfaces.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace dancu {

class Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,    // the caller's input is malformed or breaks a rule
    kNotFound,           // the named thing does not exist
    kAlreadyExists,      // a unique thing (node, citizen number, officer) exists already
    kCorruption,         // stored or received bytes fail a hash, signature or decode check
    kIOError,            // the operating system or RocksDB failed (disk full, permissions)
    kPermissionDenied,   // wrong password or passphrase, or an officer lacks the right
    kFailedPrecondition  // the node is not in a state that allows this (not initialised, ...)
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {Code::kFailedPrecondition, std::move(m)};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context`: "context: message".
  Status WithContext(const std::string& context) const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}                       // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace dancu

// Propagates a non-ok Status from an expression returning Status.
#define DANCU_RETURN_IF_ERROR(expr)          \
  do {                                       \
    ::dancu::Status dancu_status_ = (expr);  \
    if (!dancu_status_.ok()) return dancu_status_; \
  } while (0)
