#include "node/console/finger_captures.h"

#include "node/console/sessions.h"
#include "node/finger_capture.h"
#include "storage/hlc.h"

namespace dancu::console {

using nlohmann::json;

struct FingerCaptures::Job {
  std::string id;
  node::Enrollee who;
  node::BiometricPart finger = node::BiometricPart::kRightIndex;
  std::string state = "running";
  int stage = 0;
  int stages = 0;
  json events = json::array();
  std::string message;
  uint64_t seq = 0;
};

FingerCaptures::FingerCaptures(node::Node& node, std::string device, std::chrono::seconds timeout)
    : node_(node), device_(std::move(device)), timeout_(timeout) {}

FingerCaptures::~FingerCaptures() {
  {
    std::lock_guard lock(reader_mu_);
    if (reader_ && !device_info_.id.empty()) reader_->Cancel(device_info_.id);
  }
  if (worker_.joinable()) worker_.join();
  std::lock_guard lock(reader_mu_);
  reader_.reset();
}

Result<std::string> FingerCaptures::Start(const node::Enrollee& who, node::BiometricPart finger) {
  std::lock_guard lock(mu_);
  if (running_) return Status::FailedPrecondition("the reader is busy with another capture");
  if (worker_.joinable()) worker_.join();  // finished: running_ is false
  auto job = std::make_shared<Job>();
  job->id = RandomToken().substr(0, 16);
  job->who = who;
  job->finger = finger;
  jobs_.push_back(job);
  while (jobs_.size() > kKept) jobs_.pop_front();
  running_ = true;
  worker_ = std::thread([this, job] { Run(job); });
  return job->id;
}

std::optional<json> FingerCaptures::Progress(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const auto& job : jobs_) {
    if (job->id != id) continue;
    return json{{"id", job->id},
                {"record_id", job->who.record_id},
                {"finger", node::PartName(job->finger)},
                {"state", job->state},
                {"stage", job->stage},
                {"stages", job->stages},
                {"events", job->events},
                {"message", job->message},
                {"seq", job->seq}};
  }
  return std::nullopt;
}

Result<devices::DeviceInfo> FingerCaptures::EnsureReader() {
  std::lock_guard lock(reader_mu_);
  if (reader_) return device_info_;
  auto started = devices::FingerprintReader::Start();
  if (!started.ok()) return Status::IOError(started.error().message());
  std::unique_ptr<devices::FingerprintReader> reader = std::move(started).value();
  const std::vector<devices::DeviceInfo> found = reader->ListDevices().get();
  devices::DeviceInfo chosen;
  for (const auto& d : found) {
    if (device_.empty() || d.id == device_) {
      chosen = d;
      break;
    }
  }
  if (chosen.id.empty()) {
    return Status::FailedPrecondition(device_.empty() ? "no fingerprint reader found"
                                                      : "no fingerprint reader " + device_);
  }
  devices::Result<void> opened = reader->Open(chosen.id).get();
  if (!opened.ok()) return Status::IOError(opened.error().message());
  reader_ = std::move(reader);
  device_info_ = chosen;
  return device_info_;
}

void FingerCaptures::Run(std::shared_ptr<Job> job) {
  auto finish = [&](const std::string& state, const std::string& message, uint64_t seq) {
    std::lock_guard lock(mu_);
    job->state = state;
    job->message = message;
    job->seq = seq;
    running_ = false;
  };
  auto keys = node::LoadBiometricKeys(node_, storage::HybridClock::SystemMillis());
  if (!keys.ok()) return finish("failed", keys.status().ToString(), 0);
  Status enrollable = node::CheckEnrollable(node_, job->who.record_id);
  if (!enrollable.ok()) return finish("failed", enrollable.ToString(), 0);
  auto device = EnsureReader();
  if (!device.ok()) return finish("failed", device.status().ToString(), 0);
  {
    std::lock_guard lock(mu_);
    job->stages = device->enroll_stages;
  }
  node::Capture capture;
  capture.reader = reader_.get();
  capture.device = *device;
  capture.timeout = timeout_;
  capture.on_event = [this, job](const node::CaptureEvent& e) {
    using Kind = node::CaptureEvent::Kind;
    json event = {{"kind", e.kind == Kind::kPlaceFinger ? "place_finger"
                           : e.kind == Kind::kCaptured  ? "captured"
                                                        : "retry"},
                  {"check", e.check},
                  {"stage", e.stage},
                  {"stages", e.stages}};
    if (e.kind == Kind::kRetry) event["reason"] = e.reason;
    std::lock_guard lock(mu_);
    if (e.kind == Kind::kCaptured) job->stage = e.stage;
    if (e.stages > 0) job->stages = e.stages;
    job->events.push_back(std::move(event));
  };
  auto enrolled = node::EnrollFinger(node_, *keys, job->who, job->finger, capture);
  if (!enrolled.ok()) return finish("failed", enrolled.status().ToString(), 0);
  if (enrolled->duplicate) {
    return finish("duplicate",
                  "this print matches the " + node::PartName(enrolled->match->finger) +
                      " of record " + enrolled->match->record_id +
                      "; a duplicate case is open for central's review",
                  enrolled->seq);
  }
  finish("enrolled", "", enrolled->seq);
}

}  // namespace dancu::console
