// RecordStage: the records a batch of changes is changing, before the batch is written.
//
// Append (local changes) and Ingest (replicated ones) fold change after change into records; a
// later change of the batch must see what an earlier one did. The stage keeps those new states,
// puts each record with its index entries into the batch, then (Finish) the state digest, the
// counters of the units whose figures the batch changes (storage/unit_tally.h) and the rows of the
// unit-origins index it changes (storage/unit_origins.h), and answers reads
// with the staged state first, then the store's.
//
// Internal to the store. A stage belongs to one writer under the store's mutex; not thread-safe.
// Errors: as the store's reads (IOError, Corruption).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "storage/state_digest.h"
#include "storage/status.h"
#include "storage/store.h"
#include "storage/unit_origins.h"
#include "storage/unit_tally.h"

namespace dancu::storage {

struct Store::Handles {
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  rocksdb::ColumnFamilyHandle* log = nullptr;
  rocksdb::ColumnFamilyHandle* checkpoints = nullptr;
  rocksdb::ColumnFamilyHandle* records = nullptr;
  rocksdb::ColumnFamilyHandle* index = nullptr;
  rocksdb::ColumnFamilyHandle* blobs = nullptr;
  rocksdb::ColumnFamilyHandle* quarantine = nullptr;
  rocksdb::ColumnFamilyHandle* conflicts = nullptr;
  rocksdb::ColumnFamilyHandle* tree = nullptr;
};

// The most store entries one duplicate block yields to one check (RecordStage::VisitPersonBlock).
inline constexpr size_t kMaxPersonBlockScan = 512;

class RecordStage {
 public:
  RecordStage(const Store& store, rocksdb::DB* db, const Store::Handles& cf, rocksdb::WriteBatch& batch,
              StateDigest digest)
      : store_(store), db_(db), cf_(cf), batch_(batch), digest_(std::move(digest)) {}

  // The record's state as the batch has left it so far, or nullopt if there is none.
  Result<std::optional<std::string>> Current(std::string_view id) const;

  // Another record than `id` holding `citizen_no`, as the batch leaves the store, or nullopt.
  Result<std::optional<std::string>> OtherClaimant(std::string_view citizen_no, std::string_view id) const;

  // Visits the PersonSummary bytes of the records in duplicate block `block` (storage/
  // person_match.h) as the batch leaves the store: the staged records' first, then at most
  // kMaxPersonBlockScan of the store's (a block of a very common name is cut there, so that one
  // check costs the same whatever the size of the country).
  Status VisitPersonBlock(std::string_view block, const std::function<void(std::string_view summary)>& visit) const;

  // Whether the conflicts family holds `key` (storage/conflict_key.h), staged in this batch
  // (PutConflict) or stored.
  Result<bool> ConflictHeld(const std::string& key) const;
  // Stages a conflict row.
  void PutConflict(const std::string& key, const std::string& bytes);

  // Stages record `id` going from `before` (nullopt: new) to `after`: its record, its index
  // entries, the digest.
  void Put(const std::string& id, const std::optional<std::string>& before, std::string after);
  // Stages record `id` (now `before`) going away: its record, its index entries, the digest.
  void Erase(const std::string& id, const std::string& before);

  // Marks settled the open conflicts on `id` that `change` decides: it sets the conflicting field
  // having seen both changes, or (a duplicate case) merges the record or changes its number. A
  // concurrent edit under review is settled only by a change whose officer `may_decide` (an
  // operator of a hub or central: storage/officer_role.h); others leave it open.
  Status SettleConflicts(const std::string& id, schema::Change::Reader change, bool may_decide);

  // Stages the case a cardReview change opens on `id` (a chip card read differed from it), if it
  // opens one: a cardDiffers conflict under review, settled like a concurrent edit of the
  // cardReview field (by an operator's change of that field that saw the opening one).
  void OpenCardCase(const std::string& id, schema::Change::Reader change, uint64_t now_ms);

  // Puts the state digest, the changed units' counters and unit-origin rows into the batch; once,
  // after the last Put or Erase. Errors: as the store's reads, and Corruption for a stored counter
  // or unit-origin row that does not decode or would fall below zero.
  [[nodiscard]] Status Finish();

  const StateDigest& digest() const { return digest_; }

 private:
  const Store& store_;
  rocksdb::DB* db_;
  const Store::Handles& cf_;
  rocksdb::WriteBatch& batch_;
  StateDigest digest_;
  // Drops what the store and the stage know of `before` (index entries, claim, digest).
  void Unstage(const std::string& id, const std::string& before);

  std::map<std::string, std::string, std::less<>> overlay_;            // id -> staged state
  std::set<std::string, std::less<>> erased_;                          // ids staged away
  std::map<std::string, std::set<std::string>, std::less<>> claims_;  // citizen no -> staged ids
  // duplicate block -> staged id -> its PersonSummary bytes
  std::map<std::string, std::map<std::string, std::string>, std::less<>> blocks_;
  std::set<std::string> conflicts_;  // conflict keys staged
  UnitTallies tally_changes_;                                          // unit -> change of its counters
  UnitOrigins origin_changes_;                                         // (unit, origin) -> change of its count
};

// RocksDB's status as ours; `what` says what was being done.
Status FromRocks(const rocksdb::Status& s, std::string_view what);
inline std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
inline rocksdb::Slice Slice(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace dancu::storage
