// ScratchDb: a private, temporary RocksDB for work that does not fit in memory — a disk-backed
// external sort (storage/log_verify.cc sorts a whole store's changes by record id through one).
//
// Keys are held in memory, sorted, up to `memory_bytes`; past that they spill to a RocksDB made in a
// new directory of its own (mkdtemp) under the given parent, or the system's temporary directory.
// The database and its directory are removed when the ScratchDb is destroyed, also when the work
// ends in an error; a small job never touches the disk. Nothing in it is durable: no write-ahead
// log, no sync. Its memory is bounded whatever it holds: the in-memory part, then one write buffer
// being filled and one being flushed, a small block cache, and RocksDB's compactions (in the
// background) keep the sorted runs that a cursor merges to a few levels.
//
// Not thread-safe: one thread writes and reads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace rocksdb {
class DB;
class Iterator;
class WriteBatch;
}  // namespace rocksdb

namespace dancu::storage {

class ScratchDb {
 public:
  // `parent`: where to make the directory if it spills ("" for the system's temporary directory).
  // `memory_bytes`: what is kept in memory before spilling, and the size of each sorted run then
  // written to disk.
  explicit ScratchDb(std::string parent, size_t memory_bytes = 8u << 20);
  ~ScratchDb();
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;

  // A key put twice keeps the last value.
  Status Put(std::string_view key, std::string_view value);

  // Whether it has spilled to disk (its directory then exists).
  bool spilled() const { return db_ != nullptr; }

  // Visits the keys put so far that start with `prefix`, in order: pull-style, for merge-joins with
  // the store's scans. Each prefix is scanned once (held in memory, its keys move to the cursor).
  // Puts under other prefixes may go on while a cursor is open.
  class Cursor {
   public:
    ~Cursor();
    bool Valid() const;  // false at the end of the prefix, and on error (see status)
    std::string_view key() const;
    std::string_view value() const;
    void Next();
    Status status() const;

   private:
    friend class ScratchDb;
    Cursor() = default;
    std::unique_ptr<rocksdb::Iterator> it_;  // spilled
    std::string prefix_;
    std::map<std::string, std::string> held_;  // in memory
    std::map<std::string, std::string>::const_iterator at_;
  };
  Result<std::unique_ptr<Cursor>> Scan(std::string_view prefix);

 private:
  Status Spill();       // opens the database if needed and writes the in-memory keys to it
  Status WriteBatch();  // writes batch_ to the database

  std::string parent_;
  size_t memory_bytes_;
  std::map<std::string, std::string> memory_;
  size_t memory_used_ = 0;
  std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;  // spilled writes not yet written
};

}  // namespace dancu::storage
