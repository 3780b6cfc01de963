// WriteHealth: whether the store may write, after a write failed (a full disk, an I/O error).
//
// RocksDB turns a failed write into a background error and the database read-only until it is
// resumed; reads go on. WriteHealth keeps the failure, said plainly (storage/disk_errors.h), and
// refuses every write with it without touching RocksDB. Before a write it tries DB::Resume() again
// (at most once a second): once the disk has room, the next write resumes the store by itself,
// with no restart. Resume() flushes the memtables to new files and opens a new write-ahead log,
// so the log file whose write failed is never written again (RocksDB 7.8 asserts on a second
// write to a file writer that failed: `sync_without_flush_called_`, docs/design.md).
//
// RocksDB's own automatic recovery from NoSpace (its SstFileManager) is turned off by
// ManualRecovery(): while it runs, it leaves the database marked "recovering" even between its
// attempts five seconds apart, and DB::Resume() answers Busy all the while.
//
// A failing disk (EIO) is different: RocksDB does not resume from an I/O error of its write-ahead
// log, so once a resume has failed the refusal says the node must be restarted (after the disk is
// checked); reopening the store replays what was acknowledged.
//
// Thread-safe (its own mutex). Errors: IOError, a full disk's starting with kDiskFull.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace rocksdb {
class DB;
class EventListener;
class Status;
}  // namespace rocksdb

namespace dancu::storage {

// The listener to add to the database's options: it keeps RocksDB from recovering by itself.
std::shared_ptr<rocksdb::EventListener> ManualRecovery();

class WriteHealth {
 public:
  // `observer` (may be null) is told the refusal when writes start being refused and Ok when they
  // resume, outside the lock.
  WriteHealth(rocksdb::DB* db, std::string dir, std::function<void(const Status&)> observer)
      : db_(db), dir_(std::move(dir)), observer_(std::move(observer)) {}

  // Ok if the store may write: no write failed, or the store resumed since. Otherwise the refusal.
  Status BeforeWrite();
  // Keeps a failed write's status `s` (of `what`, `bytes` long) and returns it said plainly.
  Status Failed(const rocksdb::Status& s, std::string_view what, uint64_t bytes);
  // The refusal writes get now (Ok if none), without trying to resume.
  Status Refusal() const;

 private:
  Status RefusalLocked(const std::string& resume_error) const;

  rocksdb::DB* const db_;
  const std::string dir_;
  const std::function<void(const Status&)> observer_;
  mutable std::mutex mu_;
  Status failure_;  // the first failed write since the store last wrote
  std::chrono::steady_clock::time_point last_resume_{};
};

}  // namespace dancu::storage
