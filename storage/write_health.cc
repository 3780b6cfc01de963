#include "storage/write_health.h"

#include <rocksdb/db.h>
#include <rocksdb/listener.h>

#include "storage/disk_errors.h"

namespace dancu::storage {

namespace {
constexpr auto kResumeInterval = std::chrono::seconds(1);

class NoAutoRecovery final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status, bool* auto_recovery) override {
    *auto_recovery = false;
  }
};
}  // namespace

std::shared_ptr<rocksdb::EventListener> ManualRecovery() { return std::make_shared<NoAutoRecovery>(); }

Status WriteHealth::BeforeWrite() {
  std::lock_guard<std::mutex> lock(mu_);
  if (failure_.ok()) return Status::Ok();
  const auto now = std::chrono::steady_clock::now();
  if (now - last_resume_ < kResumeInterval) return RefusalLocked("");
  last_resume_ = now;
  rocksdb::Status resumed = db_->Resume();
  if (!resumed.ok()) return RefusalLocked(resumed.ToString());
  failure_ = Status::Ok();
  return Status::Ok();
}

Status WriteHealth::Failed(const rocksdb::Status& s, std::string_view what, uint64_t bytes) {
  Status said = FromRocksWrite(s, what, dir_, bytes);
  std::lock_guard<std::mutex> lock(mu_);
  if (failure_.ok()) failure_ = said;
  last_resume_ = std::chrono::steady_clock::now();
  return said;
}

Status WriteHealth::Refusal() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_.ok() ? failure_ : RefusalLocked("");
}

Status WriteHealth::RefusalLocked(const std::string& resume_error) const {
  const auto free = FreeBytes(dir_);
  std::string message = failure_.message();
  message += ". The node keeps answering reads; it refuses writes until ";
  message += IsDiskFull(failure_) ? "the disk has room again" : "the disk works again";
  message += " and then resumes by itself (now " + (free ? HumanBytes(*free) : std::string("unknown")) + " free";
  if (!resume_error.empty()) message += "; resuming: " + resume_error;
  message += ")";
  return Status::IOError(std::move(message));
}

}  // namespace dancu::storage
