// Store: one node's RocksDB database — change logs, materialized records, indexes, metadata.
//
// Column families (names in storage/store_layout.h):
//   log          origin(8, big-endian) seq(8)  -> LogEntry, canonical bytes (leaf seq - 1 of the
//                                                origin's Merkle tree: storage/merkle.h)
//   checkpoints  origin(8) seq(8)              -> Checkpoint (signed tree head of size seq)
//   tree         origin(8) level(1) index(8)   -> root of a perfect subtree (store_layout.h)
//   records      record id                     -> RecordState, canonical bytes
//   index        see storage/record_index.h
//   blobs        key chosen by the node layer -> bytes (encrypted biometric templates, photos)
//   quarantine   origin(8) first(8) last(8)      -> QuarantinedRun (storage/ingest.capnp)
//   conflicts    record id \0 conflict id        -> Conflict (storage/conflict_key.h)
//   default      metadata: version vector, clock, state digest, per-unit counters, officer accounts
//
// Writes: Append() is the only way a local change enters the store, Ingest() the only way a
// replicated one does. For each draft it folds the change
// into the record, validates the result, and for the accepted drafts writes the log entries, one
// signed checkpoint (tree head), the tree nodes, the records, their index entries, the version
// vector, the clock, the state digest and the changed units' counters in ONE WriteBatch with
// sync=true. A change is acknowledged (Append returns) only once that
// batch is durable; a crash before then leaves no trace of it, a crash after loses nothing.
//
// Thread-safety: all methods are safe to call concurrently; writers are serialised internally.
// Ownership: the caller owns the Store; readers returned by its methods own their bytes.
// Errors: IOError when RocksDB fails (disk full, permissions: the batch is then not applied and the
// in-memory head is unchanged). After a failed write every write is refused with the same error,
// said plainly (which directory, space free: storage/write_health.h), while reads go on; once the
// disk has room again the next write resumes the store by itself.
//  Corruption when stored bytes fail to decode or the write-ahead log
// is damaged before its last record (Open refuses rather than drop acknowledged writes),
// FailedPrecondition from Open for a database in another log format (with what to do), and for a
// writable Open of a directory this process cannot write (a read-only mount, say).
//
// RocksDB's info log: one file, DIR/LOG, warnings and errors only, cut at 1 MiB; no LOG.old is kept.
#pragma once

#include <capnp/message.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "storage/change.capnp.h"
#include "storage/crypto.h"
#include "storage/hlc.h"
#include "storage/merkle.h"
#include "storage/state_digest.h"
#include "storage/status.h"
#include "storage/unit_origins.h"
#include "storage/unit_tally.h"
#include "storage/validation.h"

namespace rocksdb {
class DB;
class Env;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace dancu::storage {

class WriteHealth;

struct StoreOptions {
  bool create_if_missing = false;
  bool sync = true;  // fsync every Append; only benchmarks of the engine itself turn this off
  HybridClock::WallClock wall_clock = HybridClock::SystemMillis;
  size_t block_cache_bytes = 8u << 20;
  size_t memtable_budget_bytes = 16u << 20;  // shared by every column family
  // Where RocksDB reads and writes files, and its threads: not owned, the caller keeps it alive
  // until the store is destroyed. Null: RocksDB's default, the real disk. The simulator and the
  // durability tests pass a storage/fault_fs.h file system here (rocksdb::NewCompositeEnv).
  rocksdb::Env* env = nullptr;
  // Whether this node is a hub (district, province) or central rather than a commune: which
  // officer roles its changes may carry and what they may decide (storage/officer_role.h).
  bool hub = false;
  // Opens a static view of the database as it is at Open (rocksdb::DB::OpenForReadOnly): nothing
  // in the directory is created, renamed or written (no LOCK, no info LOG, no recount kept), so it
  // works on a read-only directory and while another process holds the database for writing (it
  // then sees that writer's acknowledged changes up to Open, none after). Every write fails with an
  // IOError saying the store is in read-only mode, and changes nothing.
  bool read_only = false;
  // Told when the store starts refusing writes (a write failed: the refusal, an IOError) and when
  // it resumes (Ok), once each time; called on the writing thread, outside the store's locks. Null:
  // nobody is told. `dancu serve` logs both.
  std::function<void(const Status&)> on_write_health;
};

// What an officer wants changed on one record. Move-only.
struct Draft {
  Draft();
  std::string record_id;  // empty on create: Append assigns "<origin hex>-<seq>"
  schema::Operation operation = schema::Operation::UPDATE;
  std::vector<uint16_t> fields;                       // Resident ordinals set, ascending
  std::unique_ptr<capnp::MallocMessageBuilder> values;  // root: schema::Resident
  std::string officer;
  schema::OfficerRole officer_role = schema::OfficerRole::CLERK;  // signed with the change
  // Written to the blobs family in the same batch as the change, only if the draft is accepted.
  std::vector<std::pair<std::string, std::string>> attachments;

  schema::Resident::Builder Values() { return values->getRoot<schema::Resident>(); }
};

struct AppendOutcome {
  struct Accepted {
    size_t draft_index;
    std::string record_id;
    uint64_t seq;
  };
  struct Rejected {
    size_t draft_index;
    std::vector<FieldError> errors;
  };
  std::vector<Accepted> accepted;
  std::vector<Rejected> rejected;
};

using VersionVector = std::map<uint64_t, uint64_t>;  // origin -> highest contiguous seq held

// A run of one origin's log as received from a peer or a bundle: untrusted until Ingest verifies it.
struct IncomingRun {
  uint64_t origin = 0;
  uint64_t first_seq = 0;
  std::vector<std::string> entries;  // canonical LogEntry bytes of seqs first_seq, first_seq + 1, ...
  std::string checkpoint;            // the origin's canonical Checkpoint of the tree of the last entry
  std::string proof;                 // the entries' inclusion multi-proof in that tree (PackHashes)
  std::string source;                // where it came from, for the quarantine ("peer ...", "bundle ...")
  // Whether the run comes from an ancestor of the receiver (its parent, or higher up). Logs travel
  // whole, so an ancestor's log also holds changes to records homed elsewhere, checked with their
  // full context where they are homed; the receiver may never be sent that context.
  bool from_ancestor = false;
};

// What the receiver knows of an origin from its certificate directory.
struct OriginTrust {
  PublicKey key{};
  uint64_t revoked_after = UINT64_MAX;  // the origin's changes after this seq are refused
  // Whether the origin has authority over records homed in `unit`.
  std::function<bool(std::string_view unit)> covers;
  // Whether the origin is a hub or central (its operators decide reviews: storage/officer_role.h).
  bool hub = false;
};
// The trust of an origin, or nullopt while the receiver holds no valid certificate for it.
using TrustLookup = std::function<std::optional<OriginTrust>(uint64_t origin)>;

struct IngestOutcome {
  enum class Verdict {
    kApplied,    // the entries not held yet are applied and durable
    kDuplicate,  // every entry was held already: nothing changed
    kGap,        // the run does not continue what is held (entries are missing before it)
    kNotReady,   // a change depends on one not held yet, or the origin is not known yet: retry later
    kRefused,    // verification or authority failed: quarantined, nothing else changed
  };
  Verdict verdict = Verdict::kDuplicate;
  uint64_t held = 0;       // the origin's highest contiguous seq held after the call
  std::string reason;      // why, unless kApplied or kDuplicate
  uint64_t applied = 0;    // entries newly applied
  uint64_t conflicts = 0;  // conflicts recorded
  bool equivocation = false;  // the origin signed a tree inconsistent with the one held
};

// How far ahead of this node's wall clock a received timestamp is believed (storage/hlc.h).
inline constexpr uint64_t kMaxClockAheadMs = 24ull * 3600 * 1000;

// A rule of the caller's that every change must also pass (the node's authority over records):
// given the record before the change (null for a new record) and after it, the errors, if any.
using RecordCheck = std::function<std::vector<FieldError>(const schema::Resident::Reader* before,
                                                          schema::Resident::Reader after)>;

// The first check of Store::Ingest, on its own: the run verifies alone, whatever the receiver
// holds. Its entries decode canonically, name the run's origin and their seqs and pass the shape
// check; the checkpoint is the origin's tree head of size last seq, verifying with `trust.key`
// (which must name the origin); the entries' leaf hashes with `run.proof` give the checkpoint's
// root; none lies beyond `trust.revoked_after`. Returns the checkpoint's root; Corruption or
// PermissionDenied naming the first defect.
Result<Hash256> VerifyRunProof(const IncomingRun& run, const OriginTrust& trust);

// The most hashes a proof may hold (a multi-proof of a contiguous run needs at most two per level).
inline constexpr size_t kMaxProofHashes = 2 * 64;

// The id Append gives a record it creates without one: the creating change's origin and seq, so
// that only that change can claim to have created the record.
std::string RecordIdFor(uint64_t origin, uint64_t seq);

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // See the file comment. `key` signs the checkpoint; its node id is the origin of the changes.
  // `check`, if given, is applied to every draft after validation. FailedPrecondition while the
  // node recovers its own log (RewindOwnLog): it must not author under numbers it has used.
  Result<AppendOutcome> Append(std::vector<Draft>& drafts, const SigningKey& key,
                               const RecordCheck& check = nullptr);

  // Recovery of the node's own log (docs/log-format.md "Lost writes"). A peer holds this node's
  // log up to `peer_head`, beyond its own head: the node was restored from an older copy, or lost
  // its newest writes, and may have authored since under numbers the peer holds other entries
  // for. Its entries after `keep` (a seq the peer is known to hold: up to there the two logs are
  // one) are moved aside, durably, with every record they touched folded again without them, in
  // one batch; Append refuses until the recovery ends. The peer's copies of the entries then
  // arrive as any run does. Corruption if the log is not as the version vector says.
  Status RewindOwnLog(uint64_t origin, uint64_t keep, uint64_t peer_head);
  // The head the peer held, while a recovery waits for it; nullopt otherwise.
  std::optional<uint64_t> RecoveryTarget() const;
  struct ReauthorOutcome {
    uint64_t reauthored = 0;  // entries set aside that became new changes
    uint64_t returned = 0;    // entries set aside that came back unchanged from the peer
    uint64_t refused = 0;     // set aside, no longer valid (kept in the quarantine with the reason)
  };
  // Ends the recovery once the own log is back to the target (FailedPrecondition before): each
  // entry set aside that the log does not now hold byte for byte at its seq is authored again as a
  // new change after it (its officer, operation and values; a creation gets a new record id, and
  // later changes of that record follow it), each durably with the removal of its set-aside copy,
  // so a crash in between neither loses nor repeats one. A change the rules now refuse is kept in
  // the quarantine with the reason, never dropped silently.
  Result<ReauthorOutcome> Reauthor(const SigningKey& key, const RecordCheck& check);

  // Verifies and applies a run of another origin's log, all or nothing, in one sync WriteBatch:
  //  - entries held already are skipped (a run received twice is applied once);
  //  - the run must verify alone (VerifyRunProof), none of its entries lying after the origin's
  //    revocation point;
  //  - its tree must extend the tree held of the origin: the entries held already must be the ones
  //    held, and the held tree extended by the new ones must give the checkpoint's root. An origin
  //    that signed two different trees (a cloned laptop, a log rewritten) equivocated: the run is
  //    kept as evidence in the quarantine, the origin is held compromised (every later run of it is
  //    refused) until an operator decides, and the verdict is kRefused with `equivocation` set;
  //  - every change must pass its shape check and its origin's authority over the record as the
  //    change's author saw it (storage/record_fold.h HomeSeenBy);
  //  - a change whose causal context names a version not held makes the run kNotReady;
  //  - except that a change from an ancestor (IncomingRun::from_ancestor) whose context is not
  //    held folds unchecked (no authority or conflict checks): the ancestor checked it, and folds
  //    do not depend on order.
  // A run failing a check is kept in the quarantine family with the reason and refused (kRefused);
  // it changes nothing else. Applied changes fold into records exactly as local ones; concurrent
  // edits and citizen numbers claimed twice are recorded in the conflicts family. The clock takes
  // in the changes' timestamps, clamped to kMaxClockAheadMs ahead. Errors only for failures of
  // this store (IOError, Corruption); a bad run is an outcome, not an error.
  Result<IngestOutcome> Ingest(const IncomingRun& run, const TrustLookup& trust);
  // Keeps `run` in the quarantine with `reason`, for runs refused before Ingest could read them
  // (a segment that does not decode). Durable on return.
  Status Quarantine(const IncomingRun& run, const std::string& reason);

  // The inclusion multi-proof of `origin`'s entries first_seq..last_seq in its tree of size
  // last_seq (PackHashes bytes): what a run of them carries. Requires last_seq held.
  Result<std::string> RunProof(uint64_t origin, uint64_t first_seq, uint64_t last_seq) const;
  // The root of `origin`'s tree of its first `size` entries (size at most what is held).
  Result<Hash256> TreeRoot(uint64_t origin, uint64_t size) const;
  // The stored root of `origin`'s perfect subtree at (level, index) (store_layout.h TreeKey).
  Result<std::optional<Hash256>> TreeNode(uint64_t origin, uint32_t level, uint64_t index) const;
  // Whether an equivocation of `origin` has been seen here (its runs are refused).
  Result<bool> Compromised(uint64_t origin) const;

  // The record's RecordState bytes, or nullopt if there is no such record.
  Result<std::optional<std::string>> GetRecord(std::string_view record_id) const;
  // The record id holding a citizen number, or nullopt.
  Result<std::optional<std::string>> FindCitizenNo(std::string_view citizen_no) const;

  // Visits keys of the index column family starting with `prefix`, in order, until `visit`
  // returns false.
  Status ScanIndex(std::string_view prefix,
                   const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
  // Visits every record (id, RecordState bytes) in id order.
  Status ScanRecords(const std::function<bool(std::string_view id, std::string_view bytes)>& visit) const;
  // Visits every log entry (origin, seq, bytes) in (origin, seq) order; likewise checkpoints.
  using LogVisitor = std::function<bool(uint64_t origin, uint64_t seq, std::string_view bytes)>;
  Status ScanLog(const LogVisitor& visit) const;
  Status ScanCheckpoints(const LogVisitor& visit) const;
  // The same for one origin, from seq `from` on.
  Status ScanLogFrom(uint64_t origin, uint64_t from, const LogVisitor& visit) const;
  Status ScanCheckpointsFrom(uint64_t origin, uint64_t from, const LogVisitor& visit) const;

  // Conflicts (Conflict bytes) whose keys start with `prefix` (storage/conflict_key.h); "" for all.
  Status ScanConflicts(std::string_view prefix,
                       const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
  // Quarantined runs (QuarantinedRun bytes), in (origin, first seq) order.
  Status ScanQuarantine(const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // A blob written with a draft's attachments, or nullopt.
  Result<std::optional<std::string>> GetBlob(std::string_view key) const;
  Status ScanBlobs(std::string_view prefix,
                   const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // Whether RocksDB is flushing or compacting in the background (after a bulk import, for a
  // while). Reads stay correct meanwhile; benchmarks wait for a settled store.
  bool BackgroundWorkPending() const;

  StateDigest state_digest() const;
  VersionVector version_vector() const;
  // Whether the store was opened as a hub's or central's (StoreOptions::hub).
  bool hub() const { return options_.hub; }

  // The per-unit counters (storage/unit_tally.h), as kept in every change's batch: one read per
  // unit, whatever the number of records. Units with no resident are absent.
  Result<UnitTallies> Tallies() const;
  // The same figures counted again from every record: one pass over the records (for checks;
  // Open uses it to count a store whose counters are missing or of an older definition).
  Result<UnitTallies> RecountTallies() const;

  // The origins that changed a record homed in `unit` or in any unit it encloses, in either era
  // (storage/unit_origins.h): one read of that unit's rows, whatever the number of records.
  Result<std::set<uint64_t>> OriginsUnder(std::string_view unit) const;
  // Every row of that index, as kept in every change's batch, and as counted again from every
  // record (one pass over the records: for checks, and for Open on a store without the index).
  Result<UnitOrigins> KeptUnitOrigins() const;
  Result<UnitOrigins> RecountUnitOrigins() const;

  // Metadata for the node layer (officer accounts and the like); PutMeta and DeleteMeta are
  // durable on return. Deleting an absent key is Ok.
  Result<std::optional<std::string>> GetMeta(std::string_view key) const;
  Status PutMeta(std::string_view key, std::string_view value);
  Status DeleteMeta(std::string_view key);
  // Several metadata rows in one durable write: all of them, or none (a group commit).
  Status PutMetas(const std::vector<std::pair<std::string, std::string>>& rows);
  // Deletes `keys` and every key in [range_begin, range_end) in one durable write.
  Status DeleteMetas(const std::vector<std::string>& keys, std::string_view range_begin, std::string_view range_end);
  Status ScanMeta(std::string_view prefix,
                  const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // Why writes are refused now (a write failed and the store has not resumed yet), or Ok.
  Status WriteRefusal() const;

 private:
  struct Handles;
  friend class RecordStage;
  Store(std::unique_ptr<rocksdb::DB> db, std::unique_ptr<Handles> handles, const StoreOptions& options);
  // Records the log format in a new store; FailedPrecondition, with what to do, for another format.
  Status CheckFormat(const std::string& path);
  // Recounts the per-unit counters unless they are kept by the current definition (Open).
  Status CountTalliesIfStale();
  // The same for the unit-origins index.
  Status CountUnitOriginsIfStale();
  // Visits every record's state; Corruption for one that does not decode (the scan stops there).
  Status ScanRecordStates(const std::function<void(schema::RecordState::Reader)>& visit) const;
  // Whether the derived rows recorded under `format_key` were made by `format`.
  Result<bool> DerivedRowsCurrent(std::string_view format_key, uint64_t format) const;
  // Replaces the metadata rows under `prefix` by `rows` and records `format`, in one durable write.
  Status ReplaceDerivedRows(std::string_view prefix, const std::vector<std::pair<std::string, std::string>>& rows,
                            std::string_view format_key, uint64_t format, std::string_view what);
  // Indexes the duplicate blocks of every record unless done already (store_person_blocks.cc).
  Status IndexPersonBlocksIfMissing();
  // The right edge of `origin`'s tree as held (cached; requires mu_).
  Result<merkle::Frontier> FrontierOf(uint64_t origin);
  // Answers the perfect subtrees of `origin`'s stored tree (store_tree.cc).
  merkle::RangeLookup TreeLookup(uint64_t origin) const;
  // The leaf hashes of `origin`'s stored entries first_seq..last_seq.
  Result<std::vector<Hash256>> StoredLeafHashes(uint64_t origin, uint64_t first_seq, uint64_t last_seq) const;
  // Stages the tree nodes that appending `leaf` to `frontier` completes (kStoredTreeLevel and up).
  void AppendLeaf(uint64_t origin, merkle::Frontier& frontier, const Hash256& leaf, rocksdb::WriteBatch& batch) const;
  // Keeps an equivocating run as evidence and holds its origin compromised. Durable on return.
  Status RecordEquivocation(const IncomingRun& run, const std::string& reason);
  // Writes `batch` durably (sync as configured) unless writes are refused (health_); `what` names
  // it in the error.
  Status WriteDurably(rocksdb::WriteBatch& batch, std::string_view what);
  // Append without the recovery guard; `extra` adds its own writes to the batch (requires mu_).
  Result<AppendOutcome> AppendLocked(std::vector<Draft>& drafts, const SigningKey& key, const RecordCheck& check,
                                     const std::function<void(rocksdb::WriteBatch&)>& extra);

  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<Handles> cf_;
  StoreOptions options_;
  std::unique_ptr<WriteHealth> health_;

  mutable std::mutex mu_;  // guards everything below
  HybridClock clock_;
  StateDigest digest_;
  VersionVector versions_;
  std::map<uint64_t, merkle::Frontier> frontiers_;  // loaded on demand, as durable
  std::optional<UnitTallies> recounted_;             // read-only: stale counters counted again at Open
  std::optional<UnitOrigins> recounted_origins_;     // read-only: a stale unit-origins index, the same
  std::optional<uint64_t> recovery_target_;         // RewindOwnLog's peer_head until Reauthor
};

}  // namespace dancu::storage
