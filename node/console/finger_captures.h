// Fingerprint captures started from the browser: one at a time (a node has one reader), each run
// on a worker thread through node/finger_capture.h, its progress kept for the browser to poll.
//
// The reader (devices::FingerprintReader) is started on the first capture and kept open. A
// capture's state goes "running" -> "enrolled" | "duplicate" | "failed"; its events are the
// reader's prompts (place the finger, stage accepted, try again), in order.
//
// Ownership: borrows the Node, which must outlive this object. Thread-safety: every method may be
// called concurrently. The destructor cancels a running capture and joins its thread.
// Errors: Start fails with FailedPrecondition while another capture runs; a capture's own failure
// (no reader, no certificate chain, a refused print) ends it "failed" with the reason, and
// writes nothing.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "devices/fingerprint_reader.h"
#include "node/biometric_parts.h"
#include "node/enrollment.h"
#include "node/node.h"

namespace dancu::console {

class FingerCaptures {
 public:
  // `device`: the reader's id as libfprint lists it, or empty for the first one.
  FingerCaptures(node::Node& node, std::string device, std::chrono::seconds timeout);
  ~FingerCaptures();
  FingerCaptures(const FingerCaptures&) = delete;
  FingerCaptures& operator=(const FingerCaptures&) = delete;

  // Starts enrolling `finger` of `who.record_id` for `who.officer`; returns the capture's id.
  Result<std::string> Start(const node::Enrollee& who, node::BiometricPart finger);

  // {"id", "record_id", "finger", "state", "stage", "stages", "events": [...], "message", "seq"},
  // or nullopt for an unknown id. Keeps the last kKept captures.
  std::optional<nlohmann::json> Progress(const std::string& id) const;

  static constexpr size_t kKept = 16;

 private:
  struct Job;
  void Run(std::shared_ptr<Job> job);
  Result<devices::DeviceInfo> EnsureReader();  // on the worker thread

  node::Node& node_;
  const std::string device_;
  const std::chrono::seconds timeout_;

  mutable std::mutex mu_;  // guards jobs_, running_, the job states
  std::deque<std::shared_ptr<Job>> jobs_;
  bool running_ = false;
  std::thread worker_;

  std::mutex reader_mu_;  // guards reader_, device_info_ (worker and destructor)
  std::unique_ptr<devices::FingerprintReader> reader_;
  devices::DeviceInfo device_info_;
};

}  // namespace dancu::console
