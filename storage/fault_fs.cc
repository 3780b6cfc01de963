#include "storage/fault_fs.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

namespace dancu::storage {

namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;

std::string Normal(const std::string& path) {
  std::string p = std::filesystem::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string DirOf(const std::string& fname) { return std::filesystem::path(Normal(fname)).parent_path().string(); }

// How much of an unsynced tail of `length` bytes survives the cut: a function of the seed and the
// file's name alone (FNV-1a of the name, mixed with the seed by SplitMix64).
uint64_t TornLength(uint64_t seed, std::string_view fname, uint64_t length) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : std::filesystem::path(fname).filename().string()) h = (h ^ c) * 0x100000001b3ull;
  uint64_t z = seed ^ h;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return z % (length + 1);
}

}  // namespace

// A file being written: appends go to the base file and are counted; syncs are only recorded.
class FaultFs::File : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  File(FaultFs& fs, std::string fname, std::unique_ptr<rocksdb::FSWritableFile> base)
      : FSWritableFileOwnerWrapper(std::move(base)), fs_(fs), fname_(std::move(fname)) {}

  IOStatus Append(const rocksdb::Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = fs_.BeforeAppend(fname_);
    if (s.ok()) s = target()->Append(data, options, dbg);
    return s.ok() ? fs_.OnAppend(fname_, data.size()) : s;
  }
  IOStatus Append(const rocksdb::Slice& data, const IOOptions& options, const rocksdb::DataVerificationInfo&,
                  IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    IOStatus s = fs_.BeforeAppend(fname_);
    if (s.ok()) s = target()->PositionedAppend(data, offset, options, dbg);
    return s.ok() ? fs_.OnTruncate(fname_, offset + data.size()) : s;
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const IOOptions& options,
                            const rocksdb::DataVerificationInfo&, IODebugContext* dbg) override {
    return PositionedAppend(data, offset, options, dbg);
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = fs_.CheckPower();
    if (s.ok()) s = target()->Truncate(size, options, dbg);
    return s.ok() ? fs_.OnTruncate(fname_, size) : s;
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = fs_.CheckPower();
    return s.ok() ? target()->Flush(options, dbg) : s;
  }
  IOStatus Sync(const IOOptions&, IODebugContext*) override { return fs_.OnSync(fname_); }
  IOStatus Fsync(const IOOptions&, IODebugContext*) override { return fs_.OnSync(fname_); }
  IOStatus RangeSync(uint64_t, uint64_t, const IOOptions&, IODebugContext*) override {
    return fs_.CheckPower();  // a hint to write back: makes nothing durable
  }
  // Closing releases the base file whatever the power: what was not synced is dropped by PowerOn.
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override { return target()->Close(options, dbg); }

 private:
  FaultFs& fs_;
  const std::string fname_;
};

class FaultFs::Directory : public rocksdb::FSDirectoryWrapper {
 public:
  Directory(FaultFs& fs, std::string name, std::unique_ptr<rocksdb::FSDirectory> base)
      : FSDirectoryWrapper(std::move(base)), fs_(fs), name_(Normal(name)) {}
  IOStatus Fsync(const IOOptions&, IODebugContext*) override { return fs_.OnDirectorySync(name_); }
  IOStatus FsyncWithDirOptions(const IOOptions&, IODebugContext*, const rocksdb::DirFsyncOptions&) override {
    return fs_.OnDirectorySync(name_);
  }

 private:
  FaultFs& fs_;
  const std::string name_;
};

FaultFs::FaultFs(Options options, std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(std::move(base)), options_(options) {}

void FaultFs::PowerOff() {
  std::lock_guard<std::mutex> lock(mu_);
  powered_ = false;
}

void FaultFs::FailSyncs(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  failing_syncs_ = n;
}

void FaultFs::FailAppends(int n, AppendFault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  failing_appends_ = n;
  append_fault_ = fault;
}

void FaultFs::Forget() {
  std::lock_guard<std::mutex> lock(mu_);
  files_.clear();
}

Result<FaultFs::CutReport> FaultFs::PowerOn(uint64_t seed) {
  std::lock_guard<std::mutex> lock(mu_);
  CutReport report;
  IOOptions io;
  for (const auto& [fname, file] : files_) {
    if (target()->FileExists(fname, io, nullptr).IsNotFound()) continue;
    if (!file.name_durable && options_.lose_new_names) {
      IOStatus s = target()->DeleteFile(fname, io, nullptr);
      if (!s.ok()) return Status::IOError("power cut: cannot remove " + fname + ": " + s.ToString());
      ++report.files_removed;
      continue;
    }
    if (file.size <= file.synced) continue;
    const uint64_t unsynced = file.size - file.synced;
    const uint64_t kept = options_.tear ? TornLength(seed, fname, unsynced) : 0;
    if (kept == unsynced) continue;
    std::error_code ec;
    std::filesystem::resize_file(fname, file.synced + kept, ec);
    if (ec) return Status::IOError("power cut: cannot truncate " + fname + ": " + ec.message());
    ++report.files_cut;
    report.bytes_dropped += unsynced - kept;
    if (kept > 0) ++report.files_torn;
  }
  files_.clear();
  powered_ = true;
  failing_syncs_ = 0;
  failing_appends_ = 0;
  return report;
}

IOStatus FaultFs::CheckPowerLocked() const {
  return powered_ ? IOStatus::OK() : IOStatus::IOError("simulated power loss: the disk is off");
}

IOStatus FaultFs::CheckPower() const {
  std::lock_guard<std::mutex> lock(mu_);
  return CheckPowerLocked();
}

IOStatus FaultFs::BeforeAppend(const std::string& fname) {
  std::lock_guard<std::mutex> lock(mu_);
  IOStatus s = CheckPowerLocked();
  if (!s.ok() || failing_appends_ == 0) return s;
  --failing_appends_;
  if (append_fault_ == AppendFault::kNoSpace) {
    return IOStatus::NoSpace("injected: No space left on device appending to " + fname);
  }
  return IOStatus::IOError("injected: Input/output error appending to " + fname);
}

IOStatus FaultFs::OnAppend(const std::string& fname, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[fname].size += bytes;
  return IOStatus::OK();
}

IOStatus FaultFs::OnSync(const std::string& fname) {
  std::lock_guard<std::mutex> lock(mu_);
  IOStatus s = CheckPowerLocked();
  if (!s.ok()) return s;
  if (failing_syncs_ > 0) {
    --failing_syncs_;
    return IOStatus::IOError("injected fsync failure of " + fname);
  }
  Tracked& file = files_[fname];
  file.synced = file.size;
  return IOStatus::OK();
}

IOStatus FaultFs::OnTruncate(const std::string& fname, uint64_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  Tracked& file = files_[fname];
  file.size = size;
  file.synced = std::min(file.synced, size);
  return IOStatus::OK();
}

IOStatus FaultFs::OnDirectorySync(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  IOStatus s = CheckPowerLocked();
  if (!s.ok()) return s;
  for (auto& [fname, file] : files_) {
    if (DirOf(fname) == dir) file.name_durable = true;
  }
  return IOStatus::OK();
}

IOStatus FaultFs::OpenTracked(const std::string& fname, const rocksdb::FileOptions& options, bool reopen,
                              std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  IOStatus s = CheckPower();
  if (!s.ok()) return s;
  const bool existed = target()->FileExists(fname, options.io_options, dbg).ok();
  std::unique_ptr<rocksdb::FSWritableFile> base;
  s = reopen ? target()->ReopenWritableFile(fname, options, &base, dbg)
             : target()->NewWritableFile(fname, options, &base, dbg);
  if (!s.ok()) return s;
  const uint64_t size = reopen ? base->GetFileSize(options.io_options, dbg) : 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // A reopened file's bytes are as durable as they were.
    auto [it, added] = files_.try_emplace(fname, Tracked{size, size, existed});
    if (!added) it->second = Tracked{size, reopen ? std::min(it->second.synced, size) : 0, it->second.name_durable};
  }
  *result = std::make_unique<File>(*this, fname, std::move(base));
  return IOStatus::OK();
}

IOStatus FaultFs::NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                  std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  return OpenTracked(fname, options, false, result, dbg);
}

IOStatus FaultFs::ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                     std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  return OpenTracked(fname, options, true, result, dbg);
}

IOStatus FaultFs::ReuseWritableFile(const std::string&, const std::string&, const rocksdb::FileOptions&,
                                    std::unique_ptr<rocksdb::FSWritableFile>*, IODebugContext*) {
  return IOStatus::NotSupported("FaultFs does not model recycled files");
}

IOStatus FaultFs::NewRandomRWFile(const std::string&, const rocksdb::FileOptions&,
                                  std::unique_ptr<rocksdb::FSRandomRWFile>*, IODebugContext*) {
  return IOStatus::NotSupported("FaultFs does not model files rewritten in place");
}

IOStatus FaultFs::NewDirectory(const std::string& name, const IOOptions& options,
                               std::unique_ptr<rocksdb::FSDirectory>* result, IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> base;
  IOStatus s = target()->NewDirectory(name, options, &base, dbg);
  if (s.ok()) *result = std::make_unique<Directory>(*this, name, std::move(base));
  return s;
}

IOStatus FaultFs::DeleteFile(const std::string& fname, const IOOptions& options, IODebugContext* dbg) {
  IOStatus s = CheckPower();
  if (s.ok()) s = target()->DeleteFile(fname, options, dbg);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    files_.erase(fname);
  }
  return s;
}

IOStatus FaultFs::RenameFile(const std::string& src, const std::string& target_name, const IOOptions& options,
                             IODebugContext* dbg) {
  IOStatus s = CheckPower();
  if (s.ok()) s = target()->RenameFile(src, target_name, options, dbg);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(src);
    if (it == files_.end()) {
      files_.erase(target_name);
    } else {
      files_[target_name] = it->second;
      files_.erase(src);
    }
  }
  return s;
}

IOStatus FaultFs::Truncate(const std::string& fname, size_t size, const IOOptions& options, IODebugContext* dbg) {
  IOStatus s = CheckPower();
  if (s.ok()) s = target()->Truncate(fname, size, options, dbg);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(fname);
  if (it != files_.end()) {
    it->second.size = size;
    it->second.synced = std::min<uint64_t>(it->second.synced, size);
  }
  return s;
}

}  // namespace dancu::storage
