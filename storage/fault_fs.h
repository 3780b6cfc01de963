// FaultFs: a RocksDB FileSystem that simulates a disk losing power (the simulator's crashes,
// tests of durability; docs/simulator.md "Power loss").
//
// It forwards every call to a real file system (the base) but models durability itself: for each
// file written through it, how many bytes were appended and how many of them a Sync/Fsync made
// durable, and whether the file's name was made durable by an fsync of its directory. Syncs are
// recorded, never forwarded: nothing written through a FaultFs is durable on the real disk, and a
// sync costs nothing.
//
//   PowerOff()       the power goes: from now on every write, sync, rename, truncation or deletion
//                    fails with IOError (the caller then drops its open database without a clean
//                    close; whatever it still tries to write is lost).
//   PowerOn(seed)    the disk as the cut left it: each file written since the last PowerOn is cut
//                    back to its synced size, plus, when tearing, a prefix of its unsynced tail
//                    whose length is drawn from `seed` and the file's name (the last write torn);
//                    a file created since its directory's last fsync is removed. Then I/O works.
//   FailSyncs(n)     the next n file syncs fail with IOError (and make nothing durable).
//   FailAppends(n, k) the next n appends to any file fail, writing nothing: with NoSpace (a full
//                    disk, ENOSPC) or IOError (a failing disk, EIO), as `k` says.
//
// What is not modelled: a deletion or a rename is durable at once (a rename keeps the durability
// of its source's name); files the base holds that were not written through this FaultFs (written
// before, or by another process) are durable as they are; the info log (LOG) is written by the
// base's logger and kept whole.
//
// The base must keep its files at the paths it is given (PowerOn truncates them there), as the
// local file system does.
//
// Deterministic: what PowerOn keeps depends only on what was written and synced, and on the seed.
// Thread-safety: all methods are safe to call concurrently (RocksDB writes from its background
// threads too). Ownership: held by shared_ptr; the files it opens point to it, so it must outlive
// every database opened on it (wrap it with rocksdb::NewCompositeEnv for StoreOptions::env, and
// keep both until the store is destroyed). Errors: IOError from the faults above and from the
// base; PowerOn reports a base that cannot truncate or remove a file.
#pragma once

#include <rocksdb/file_system.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/status.h"

namespace dancu::storage {

class FaultFs : public rocksdb::FileSystemWrapper {
 public:
  struct Options {
    bool tear = true;          // keep a random prefix of each unsynced tail (else drop it whole)
    bool lose_new_names = true;  // remove files whose directory was not fsynced since they were created
  };
  // What a PowerOn did.
  struct CutReport {
    uint64_t files_cut = 0;      // files that lost unsynced bytes
    uint64_t bytes_dropped = 0;
    uint64_t files_torn = 0;     // of those, files that kept part of their unsynced tail
    uint64_t files_removed = 0;  // created, never made durable by a directory fsync
  };

  explicit FaultFs(Options options, std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default());

  static const char* kClassName() { return "DancuFaultFs"; }
  const char* Name() const override { return kClassName(); }

  void PowerOff();
  [[nodiscard]] Result<CutReport> PowerOn(uint64_t seed);
  void FailSyncs(int n);
  enum class AppendFault { kNoSpace, kIOError };
  void FailAppends(int n, AppendFault fault);
  // Forgets every file it tracks, taking the base's files as durable as they are (after the
  // caller replaced a directory behind its back, as a restore from a copy does).
  void Forget();

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  // Not modelled: NotSupported (RocksDB uses them only for recycled logs and external files).
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomRWFile(const std::string& fname, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& fname, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& target, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& fname, size_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;

 private:
  class File;
  class Directory;
  struct Tracked {
    uint64_t size = 0;         // bytes appended (the file's length as written)
    uint64_t synced = 0;       // of which durable
    bool name_durable = true;  // its directory was fsynced since it was created
  };
  // Opens `fname` through the base for writing (anew, or to append if `reopen`) and tracks it.
  rocksdb::IOStatus OpenTracked(const std::string& fname, const rocksdb::FileOptions& options, bool reopen,
                                std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg);
  // IOError while the power is off (requires mu_).
  rocksdb::IOStatus CheckPowerLocked() const;
  // Ok, or the power loss or injected failure an append meets before it reaches the base.
  rocksdb::IOStatus BeforeAppend(const std::string& fname);
  rocksdb::IOStatus OnAppend(const std::string& fname, uint64_t bytes);
  rocksdb::IOStatus OnSync(const std::string& fname);
  rocksdb::IOStatus OnTruncate(const std::string& fname, uint64_t size);
  rocksdb::IOStatus OnDirectorySync(const std::string& dir);
  rocksdb::IOStatus CheckPower() const;

  const Options options_;
  mutable std::mutex mu_;  // guards everything below
  bool powered_ = true;
  int failing_syncs_ = 0;
  int failing_appends_ = 0;
  AppendFault append_fault_ = AppendFault::kNoSpace;
  std::map<std::string, Tracked> files_;  // by name, in order (PowerOn visits them in this order)
};

}  // namespace dancu::storage
