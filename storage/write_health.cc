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
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (failure_.ok()) return Status::Ok();
    const auto now = std::chrono::steady_clock::now();
    if (now - last_resume_ < kResumeInterval) return RefusalLocked("");
    last_resume_ = now;
    rocksdb::Status resumed = db_->Resume();
    if (!resumed.ok()) return RefusalLocked(resumed.ToString());
    failure_ = Status::Ok();
  }
  if (observer_) observer_(Status::Ok());
  return Status::Ok();
}

Status WriteHealth::Failed(const rocksdb::Status& s, std::string_view what, uint64_t bytes) {
  Status said = FromRocksWrite(s, what, dir_, bytes);
  Status refusal;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_resume_ = std::chrono::steady_clock::now();
    if (!failure_.ok()) return said;
    failure_ = said;
    refusal = RefusalLocked("");
  }
  if (observer_) observer_(refusal);
  return said;
}

Status WriteHealth::Refusal() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_.ok() ? failure_ : RefusalLocked("");
}

Status WriteHealth::RefusalLocked(const std::string& resume_error) const {
  const auto free = FreeBytes(dir_);
  const std::string free_now = "now " + (free ? HumanBytes(*free) : std::string("unknown")) + " free";
  std::string message = failure_.message();
  message += ". The node keeps answering reads; it refuses writes until ";
  if (IsDiskFull(failure_)) {
    message += "the disk has room again and then resumes by itself (" + free_now;
    if (!resume_error.empty()) message += "; resuming: " + resume_error;
  } else if (resume_error.empty()) {
    message += "the disk works again and then resumes by itself (" + free_now;
  } else {
    // RocksDB resumes from a full disk, not from an I/O error of its log: that takes a reopen.
    message += "it is restarted, once the disk is checked: it could not resume by itself (" + resume_error;
  }
  message += ")";
  return Status::IOError(std::move(message));
}

}  // namespace dancu::storage
