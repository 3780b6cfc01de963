#include "storage/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "storage/canonical.h"
#include "storage/info_log.h"
#include "storage/log_format.h"
#include "storage/officer_role.h"
#include "storage/partial_date.h"
#include "storage/person_duplicates.h"
#include "storage/record_fold.h"
#include "storage/record_index.h"
#include "storage/record_stage.h"
#include "storage/resident_fields.h"
#include "storage/store_layout.h"
#include "storage/write_health.h"

namespace dancu::storage {

std::string RecordIdFor(uint64_t origin, uint64_t seq) {
  return ToHex(layout::EncodeU64(origin)) + "-" + std::to_string(seq);
}

namespace {

Result<std::optional<std::string>> GetFrom(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                           std::string_view key, const char* what) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cf, Slice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  DANCU_RETURN_IF_ERROR(FromRocks(s, what));
  return std::optional<std::string>(std::move(value));
}

// A database RocksDB refused to recover: say what is damaged and what to do. RocksDB names the
// defect but not the file; the write-ahead logs are named here, the usual place of damage after a
// power cut or a failing disk.
Status DamagedOnOpen(const Status& opened, const std::string& path) {
  std::string logs;
  std::error_code ec;
  for (const auto& file : std::filesystem::directory_iterator(path, ec)) {
    if (file.path().extension() == ".log") logs += (logs.empty() ? "" : ", ") + file.path().filename().string();
  }
  return Status::Corruption(opened.message() + " (write-ahead log " + (logs.empty() ? "none" : logs) +
                            "). The database was not opened, so no acknowledged write was dropped: keep the "
                            "directory as it is, restore the node from its latest copy and sync it with its parent");
}

// RocksDB's info log of a read-only open: discarded, since that open must not touch the directory
// (RocksDB would otherwise rename DIR/LOG aside and start a new one).
class DiscardingLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

// Opens the database itself, read-only or for writing.
rocksdb::Status OpenRocks(const rocksdb::DBOptions& db_options, const std::string& path, bool read_only,
                          const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
                          std::vector<rocksdb::ColumnFamilyHandle*>* handles, rocksdb::DB** db) {
  rocksdb::DBOptions options = db_options;
  if (!read_only) {
    // RocksDB's own info log aborts the process once the disk is full (storage/info_log.h).
    options.info_log = OpenInfoLog(path);
    return rocksdb::DB::Open(options, path, families, handles, db);
  }
  options.create_if_missing = false;
  options.create_missing_column_families = false;
  options.info_log = std::make_shared<DiscardingLogger>();
  // Every table file is opened now and held open: a writer in another process that compacts later
  // deletes files this view still reads. Should it delete one while this open lists them, the
  // open is tried again on the newer state.
  options.max_open_files = -1;
  rocksdb::Status s;
  for (int attempt = 0; attempt < 3; ++attempt) {
    s = rocksdb::DB::OpenForReadOnly(options, path, families, handles, db);
    if (!s.IsPathNotFound() && !s.IsIOError()) break;
  }
  return s;
}

}  // namespace

Draft::Draft() : values(std::make_unique<capnp::MallocMessageBuilder>(kRecordMessageWords)) {
  values->initRoot<schema::Resident>();
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  if (!options.create_if_missing && !std::filesystem::exists(path)) {
    return Status::NotFound("no node database at " + path);
  }
  if (!options.read_only && std::filesystem::exists(path) && ::access(path.c_str(), W_OK) != 0) {
    return Status::FailedPrecondition("the node database " + path + " cannot be written (" + std::strerror(errno) +
                                      "): commands that change the node need a writable data directory; "
                                      "commands that only read it work as it is. Nothing was changed");
  }
  rocksdb::DBOptions db_options;
  if (options.env != nullptr) db_options.env = options.env;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.paranoid_checks = true;
  // A damaged record in the middle of the write-ahead log would otherwise end recovery there and
  // silently drop the acknowledged writes after it (kPointInTimeRecovery). Only a torn last record,
  // a write that was never acknowledged, is passed over; anything else refuses to open.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.max_background_jobs = 2;
  db_options.max_open_files = 256;
  // Open table files on the opening thread: the default spawns 15 threads per column family at
  // every open, which dominates opening a small store (the CLI, each restart in `dancu sim`).
  db_options.max_file_opening_threads = 1;
  db_options.listeners.push_back(ManualRecovery());  // the store resumes writes itself (write_health.h)
  // Only the unlogged guard key (WriteDurably) is ever written without the log; it need not
  // survive a close, so a close flushes nothing, as it did before the guard.
  db_options.avoid_flush_during_shutdown = true;
  db_options.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(options.memtable_budget_bytes);

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Partitioned index and filters, cached with high priority and the top level pinned: memory
  // stays within the cache while a point read touches only small partitions, never a whole index.
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_top_level_index_and_filter = true;
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.write_buffer_size = options.memtable_budget_bytes / 4;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.compression = rocksdb::kLZ4Compression;

  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, cf_options},
      {layout::kLogFamily, cf_options},
      {layout::kCheckpointFamily, cf_options},
      {layout::kRecordFamily, cf_options},
      {layout::kIndexFamily, cf_options},
      {layout::kBlobFamily, cf_options},
      {layout::kQuarantineFamily, cf_options},
      {layout::kConflictFamily, cf_options},
      {layout::kTreeFamily, cf_options},
  };
  auto handles = std::make_unique<Handles>();
  rocksdb::DB* raw = nullptr;
  Status opened = FromRocks(OpenRocks(db_options, path, options.read_only, families, &handles->all, &raw),
                            "opening " + path);
  if (opened.code() == Status::Code::kCorruption) return DamagedOnOpen(opened, path);
  DANCU_RETURN_IF_ERROR(opened);
  std::unique_ptr<rocksdb::DB> db(raw);
  handles->meta = handles->all[0];
  handles->log = handles->all[1];
  handles->checkpoints = handles->all[2];
  handles->records = handles->all[3];
  handles->index = handles->all[4];
  handles->blobs = handles->all[5];
  handles->quarantine = handles->all[6];
  handles->conflicts = handles->all[7];
  handles->tree = handles->all[8];

  std::unique_ptr<Store> store(new Store(std::move(db), std::move(handles), options));
  store->health_ = std::make_unique<WriteHealth>(store->db_.get(), path, options.on_write_health);
  auto digest = store->GetMeta(layout::kStateDigestKey);
  if (!digest.ok()) return digest.status();
  if (digest->has_value()) {
    auto parsed = StateDigest::Deserialize(**digest);
    if (!parsed.ok()) return parsed.status();
    store->digest_ = *parsed;
  }
  auto clock = store->GetMeta(layout::kClockKey);
  if (!clock.ok()) return clock.status();
  uint64_t last = 0;
  if (clock->has_value() && !layout::DecodeU64(**clock, &last)) {
    return Status::Corruption("stored clock is not 8 bytes");
  }
  store->clock_ = HybridClock(options.wall_clock, last);
  DANCU_RETURN_IF_ERROR(store->ScanMeta(layout::kVersionPrefix, [&](std::string_view k, std::string_view v) {
    uint64_t origin = 0, seq = 0;
    if (layout::DecodeU64(k.substr(layout::kVersionPrefix.size()), &origin) &&
        layout::DecodeU64(v, &seq)) {
      store->versions_[origin] = seq;
    }
    return true;
  }));
  DANCU_RETURN_IF_ERROR(store->CheckFormat(path));
  DANCU_RETURN_IF_ERROR(store->CountTalliesIfStale());
  DANCU_RETURN_IF_ERROR(store->CountUnitOriginsIfStale());
  DANCU_RETURN_IF_ERROR(store->IndexPersonBlocksIfMissing());
  auto target = store->GetMeta(layout::kRecoveryTargetKey);
  if (!target.ok()) return target.status();
  if (target->has_value()) {
    uint64_t seq = 0;
    if (!layout::DecodeU64(**target, &seq)) return Status::Corruption("the stored recovery target is not 8 bytes");
    store->recovery_target_ = seq;
  }
  return store;
}

Status Store::CheckFormat(const std::string& path) {
  auto format = GetMeta(layout::kFormatKey);
  if (!format.ok()) return format.status();
  uint64_t version = 0;
  if (format->has_value()) {
    if (!layout::DecodeU64(**format, &version)) return Status::Corruption("the stored log format is not 8 bytes");
  } else if (versions_.empty()) {
    if (options_.read_only) return Status::Ok();
    return PutMeta(layout::kFormatKey, layout::EncodeU64(kLogFormat));  // a new node, or one with no log yet
  } else {
    version = 1;  // written before the format was recorded: hash-chained logs
  }
  if (version == kLogFormat) return Status::Ok();
  return Status::FailedPrecondition(
      "the node database at " + path + " holds change logs in format " + std::to_string(version) +
      "; this dancu reads format " + std::to_string(kLogFormat) +
      " (Merkle trees, docs/log-format.md). Other origins' logs cannot be re-signed here, so it is not converted "
      "in place: keep this directory as it is, create a new node with `dancu init`, import its residents again "
      "and sync it with its parent to receive the rest");
}

Store::Store(std::unique_ptr<rocksdb::DB> db, std::unique_ptr<Handles> handles,
             const StoreOptions& options)
    : db_(std::move(db)), cf_(std::move(handles)), options_(options), clock_(options.wall_clock) {}

Store::~Store() {
  for (auto* h : cf_->all) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
}

Result<AppendOutcome> Store::Append(std::vector<Draft>& drafts, const SigningKey& key,
                                    const RecordCheck& check) {
  std::lock_guard<std::mutex> lock(mu_);
  if (recovery_target_) {
    return Status::FailedPrecondition(
        "this node is recovering its own change log: a peer holds it up to seq " + std::to_string(*recovery_target_) +
        ", beyond what this node held (restored from an older copy, or writes lost). Sync with the parent first; "
        "the work set aside is authored again then, and nothing is lost");
  }
  return AppendLocked(drafts, key, check, nullptr);
}

Result<AppendOutcome> Store::AppendLocked(std::vector<Draft>& drafts, const SigningKey& key, const RecordCheck& check,
                                          const std::function<void(rocksdb::WriteBatch&)>& extra) {
  const uint64_t origin = key.node_id();
  auto held_frontier = FrontierOf(origin);
  if (!held_frontier.ok()) return held_frontier.status();
  merkle::Frontier frontier = *held_frontier;

  HybridClock clock = clock_;
  const PartialDateValue today = TodayInVietnam(
      std::chrono::system_clock::time_point(std::chrono::milliseconds(clock.wall_now())));
  uint64_t seq = frontier.size();
  rocksdb::WriteBatch batch;
  RecordStage stage(*this, db_.get(), *cf_, batch, digest_);
  AppendOutcome outcome;

  for (size_t i = 0; i < drafts.size(); ++i) {
    Draft& draft = drafts[i];
    auto reject = [&](std::string field, std::string reason) {
      outcome.rejected.push_back({i, {{std::move(field), std::move(reason)}}});
    };
    const bool create = draft.operation == schema::Operation::CREATE;
    const bool fresh_id = create && draft.record_id.empty();  // origin-seq: new by construction
    std::string record_id = fresh_id ? RecordIdFor(origin, seq + 1) : draft.record_id;
    auto current_bytes = fresh_id ? Result<std::optional<std::string>>(std::nullopt) : stage.Current(record_id);
    if (!current_bytes.ok()) return current_bytes.status();
    if (create && current_bytes->has_value()) {
      reject("id", "a record " + record_id + " exists already");
      continue;
    }
    if (!create && !current_bytes->has_value()) {
      reject("id", "no record " + record_id);
      continue;
    }
    std::optional<Parsed<schema::RecordState>> current;
    if (current_bytes->has_value()) {
      auto parsed = Parsed<schema::RecordState>::Parse(**current_bytes, "record " + record_id);
      if (!parsed.ok()) return parsed.status();
      current.emplace(std::move(parsed.value()));
    }

    capnp::MallocMessageBuilder change_message(kRecordMessageWords);
    auto change = change_message.initRoot<schema::Change>();
    change.setOrigin(origin);
    change.setSeq(seq + 1);
    // A change orders after everything its author saw of the record, even a value stamped by a
    // clock running ahead that this node's own clock took in only clamped (HybridClock::Observe):
    // causality wins over clocks, and the far-future stamp stays confined to this record.
    uint64_t hlc = clock.Now();
    if (current) {
      for (auto stamp : current->get().getStamps()) hlc = std::max(hlc, stamp.getHlc() + 1);
    }
    change.setHlc(hlc);
    change.setOfficer(draft.officer);
    change.setOfficerRole(draft.officer_role);
    change.setRecordId(record_id);
    change.setOperation(draft.operation);
    auto fields = change.initFields(static_cast<unsigned>(draft.fields.size()));
    for (unsigned f = 0; f < draft.fields.size(); ++f) fields.set(f, draft.fields[f]);
    change.setValues(draft.Values().asReader());
    if (current) change.setBasedOn(current->get().getVersions());
    if (Status shape = CheckChangeShape(change.asReader()); !shape.ok()) {
      reject("", shape.message());
      continue;
    }

    schema::RecordState::Reader current_reader;
    if (current) current_reader = current->get();
    std::string next_bytes = FoldChange(current ? &current_reader : nullptr, change.asReader());
    auto next = Parsed<schema::RecordState>::Own(next_bytes);
    auto resident = next.get().getResident();

    std::vector<FieldError> errors = Validate(resident, today);
    if (check) {
      schema::Resident::Reader before;
      if (current) before = current->get().getResident();
      for (auto& e : check(current ? &before : nullptr, resident)) errors.push_back(std::move(e));
    }
    // A number already claimed twice (a duplicate case from replication) leaves both records
    // editable: only a change that claims the number (a new record, a new number, an unmerge) is
    // checked against the other claimants.
    const bool claims = !current || std::any_of(draft.fields.begin(), draft.fields.end(), [](uint16_t f) {
      return f == fields::kCitizenNo || f == fields::kMergedInto;
    });
    if (claims && resident.getCitizenNo().size() > 0 && resident.getMergedInto().size() == 0) {
      auto owner = stage.OtherClaimant(resident.getCitizenNo().cStr(), record_id);
      if (!owner.ok()) return owner.status();
      if (owner->has_value()) errors.push_back({"citizen_no", "already registered to record " + **owner});
    }
    if (!errors.empty()) {
      outcome.rejected.push_back({i, std::move(errors)});
      continue;
    }

    ++seq;
    std::string entry = EncodeEntry(change.asReader());
    AppendLeaf(origin, frontier, merkle::LeafHash(entry), batch);
    batch.Put(cf_->log, layout::LogKey(origin, seq), entry);
    if (current) {
      DANCU_RETURN_IF_ERROR(
          stage.SettleConflicts(record_id, change.asReader(), MayDecide(draft.officer_role, options_.hub)));
      stage.OpenCardCase(record_id, change.asReader(), clock.wall_now());
    }
    if (options_.hub) {  // a hub's own registrations are checked for demographic duplicates too
      auto raised = RaisePersonDuplicates(stage, next.get(), {origin, seq}, options_.wall_clock());
      if (!raised.ok()) return raised.status();
    }
    for (const auto& [blob_key, blob] : draft.attachments) batch.Put(cf_->blobs, blob_key, blob);
    stage.Put(record_id, *current_bytes, std::move(next_bytes));
    outcome.accepted.push_back({i, record_id, seq});
  }
  if (outcome.accepted.empty()) return outcome;
  if (extra) extra(batch);

  batch.Put(cf_->checkpoints, layout::LogKey(origin, seq), EncodeCheckpoint(key, seq, frontier.Root()));
  batch.Put(cf_->meta, std::string(layout::kVersionPrefix) + layout::EncodeU64(origin),
            layout::EncodeU64(seq));
  batch.Put(cf_->meta, layout::kClockKey, layout::EncodeU64(clock.last()));
  DANCU_RETURN_IF_ERROR(stage.Finish());
  DANCU_RETURN_IF_ERROR(WriteDurably(batch, "writing changes"));

  frontiers_[origin] = frontier;
  clock_ = clock;
  digest_ = stage.digest();
  versions_[origin] = seq;
  return outcome;
}

Result<std::optional<std::string>> Store::GetRecord(std::string_view record_id) const {
  return GetFrom(db_.get(), cf_->records, record_id, "reading a record");
}

Result<std::optional<std::string>> Store::FindCitizenNo(std::string_view citizen_no) const {
  std::optional<std::string> found;
  Status scanned = ScanIndex(IndexPrefix(IndexKind::kCitizenNo, citizen_no), [&](std::string_view, std::string_view id) {
    found = std::string(id);
    return false;
  });
  if (!scanned.ok()) return scanned;
  return found;
}

namespace {
Status ScanFamily(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view prefix,
                  const std::function<bool(std::string_view, std::string_view)>& visit) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
  for (it->Seek(Slice(prefix)); it->Valid(); it->Next()) {
    std::string_view key = View(it->key());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!visit(key, View(it->value()))) break;
  }
  return FromRocks(it->status(), "scanning");
}

// Visits (origin, seq) keys from `start` on; `prefix` bounds the scan ("" for the whole family).
Status ScanLogFamily(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const Store::LogVisitor& visit,
                     std::string_view prefix = "", std::string_view start = "") {
  Status bad_key;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
  for (it->Seek(Slice(start.empty() ? prefix : start)); it->Valid(); it->Next()) {
    std::string_view key = View(it->key());
    if (key.substr(0, prefix.size()) != prefix) break;
    uint64_t origin = 0, seq = 0;
    if (!layout::ParseLogKey(key, &origin, &seq)) {
      bad_key = Status::Corruption("malformed log key of " + std::to_string(key.size()) + " bytes");
      break;
    }
    if (!visit(origin, seq, View(it->value()))) break;
  }
  DANCU_RETURN_IF_ERROR(FromRocks(it->status(), "scanning the log"));
  return bad_key;
}
}  // namespace

Status Store::ScanIndex(std::string_view prefix,
                        const std::function<bool(std::string_view, std::string_view)>& visit) const {
  return ScanFamily(db_.get(), cf_->index, prefix, visit);
}

Status Store::ScanRecords(const std::function<bool(std::string_view, std::string_view)>& visit) const {
  return ScanFamily(db_.get(), cf_->records, "", visit);
}

Status Store::ScanLog(const LogVisitor& visit) const { return ScanLogFamily(db_.get(), cf_->log, visit); }

Status Store::ScanCheckpoints(const LogVisitor& visit) const {
  return ScanLogFamily(db_.get(), cf_->checkpoints, visit);
}

Status Store::ScanLogFrom(uint64_t origin, uint64_t from, const LogVisitor& visit) const {
  return ScanLogFamily(db_.get(), cf_->log, visit, layout::EncodeU64(origin), layout::LogKey(origin, from));
}

Status Store::ScanCheckpointsFrom(uint64_t origin, uint64_t from, const LogVisitor& visit) const {
  return ScanLogFamily(db_.get(), cf_->checkpoints, visit, layout::EncodeU64(origin),
                       layout::LogKey(origin, from));
}

Status Store::ScanConflicts(std::string_view prefix,
                            const std::function<bool(std::string_view, std::string_view)>& visit) const {
  return ScanFamily(db_.get(), cf_->conflicts, prefix, visit);
}

Status Store::ScanQuarantine(const std::function<bool(std::string_view, std::string_view)>& visit) const {
  return ScanFamily(db_.get(), cf_->quarantine, "", visit);
}

Result<std::optional<std::string>> Store::GetBlob(std::string_view key) const {
  return GetFrom(db_.get(), cf_->blobs, key, "reading a blob");
}

Status Store::ScanBlobs(std::string_view prefix,
                       const std::function<bool(std::string_view, std::string_view)>& visit) const {
  return ScanFamily(db_.get(), cf_->blobs, prefix, visit);
}

bool Store::BackgroundWorkPending() const {
  for (auto* cf : cf_->all) {
    uint64_t pending = 0, running = 0, flushes = 0;
    db_->GetIntProperty(cf, rocksdb::DB::Properties::kCompactionPending, &pending);
    db_->GetIntProperty(cf, rocksdb::DB::Properties::kNumRunningCompactions, &running);
    db_->GetIntProperty(cf, rocksdb::DB::Properties::kNumRunningFlushes, &flushes);
    if (pending || running || flushes) return true;
  }
  return false;
}

StateDigest Store::state_digest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return digest_;
}

VersionVector Store::version_vector() const {
  std::lock_guard<std::mutex> lock(mu_);
  return versions_;
}

Result<std::optional<std::string>> Store::GetMeta(std::string_view key) const {
  return GetFrom(db_.get(), cf_->meta, key, "reading metadata");
}

Status Store::PutMeta(std::string_view key, std::string_view value) {
  rocksdb::WriteBatch batch;
  batch.Put(cf_->meta, Slice(key), Slice(value));
  return WriteDurably(batch, "writing metadata");
}

Status Store::DeleteMeta(std::string_view key) {
  rocksdb::WriteBatch batch;
  batch.Delete(cf_->meta, Slice(key));
  return WriteDurably(batch, "deleting metadata");
}

Status Store::PutMetas(const std::vector<std::pair<std::string, std::string>>& rows) {
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : rows) batch.Put(cf_->meta, Slice(key), Slice(value));
  return WriteDurably(batch, "writing metadata");
}

Status Store::DeleteMetas(const std::vector<std::string>& keys, std::string_view range_begin,
                          std::string_view range_end) {
  rocksdb::WriteBatch batch;
  for (const std::string& key : keys) batch.Delete(cf_->meta, Slice(key));
  if (range_begin < range_end) batch.DeleteRange(cf_->meta, Slice(range_begin), Slice(range_end));
  return WriteDurably(batch, "deleting metadata");
}

Status Store::WriteDurably(rocksdb::WriteBatch& batch, std::string_view what) {
  DANCU_RETURN_IF_ERROR(health_->BeforeWrite());
  // RocksDB 7.8 resumes from a failed write-ahead-log write (WriteHealth) by flushing the memtables,
  // and only that flush opens a new log file; with every memtable empty (a store just opened or
  // just flushed) it flushes nothing, keeps the log writer whose write failed, and the next write
  // aborts the process (`sync_without_flush_called_`). One key put in a memtable without the log,
  // before each write, keeps a memtable non-empty; it touches no file, so a full disk cannot fail it.
  rocksdb::WriteOptions unlogged;
  unlogged.disableWAL = true;
  rocksdb::Status guarded = db_->Put(unlogged, cf_->meta, Slice(layout::kUnloggedGuardKey), rocksdb::Slice());
  if (!guarded.ok()) return health_->Failed(guarded, what, 0);
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  rocksdb::Status written = db_->Write(write_options, &batch);
  if (written.ok()) return Status::Ok();
  return health_->Failed(written, what, batch.GetDataSize());
}

Status Store::WriteRefusal() const { return health_->Refusal(); }

Status Store::ScanMeta(std::string_view prefix,
                       const std::function<bool(std::string_view, std::string_view)>& visit) const {
  return ScanFamily(db_.get(), cf_->meta, prefix, visit);
}

}  // namespace dancu::storage
