#include "storage/log_verify.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "storage/canonical.h"
#include "storage/log_format.h"
#include "storage/merkle.h"
#include "storage/record_fold.h"
#include "storage/record_index.h"
#include "storage/scratch_db.h"
#include "storage/store_layout.h"
#include "storage/unit_tally.h"

namespace dancu::storage {

namespace {

// How the work is cut: entries and records are checked in chunks, each chunk's independent work
// (decoding, hashing, folding, signatures) spread over the worker threads, the rest done in order.
constexpr size_t kChunkItems = 2048;
constexpr size_t kChunkBytes = 4u << 20;
constexpr size_t kCheckpointBatch = 1024;  // checkpoints read ahead per origin

// Scratch keys. 'c' escaped(record id) 00 01 origin(8) seq(8) -> the LogEntry: the changes sorted by
// record, then by (origin, seq) as the log is. 'i' index key -> index value: the expected index.
constexpr char kChangeTag = 'c';
constexpr char kIndexTag = 'i';
constexpr size_t kLogKeyBytes = 16;

std::string OriginName(uint64_t origin) { return ToHex(layout::EncodeU64(origin)); }

std::string At(uint64_t origin, uint64_t seq) {
  return "origin " + OriginName(origin) + " seq " + std::to_string(seq);
}

// An order-preserving encoding of a record id followed by more key: 00 becomes 00 FF and the id
// ends with 00 01, so scratch keys sort by record id exactly as the records family does.
std::string ChangeKey(std::string_view record_id, uint64_t origin, uint64_t seq) {
  std::string key(1, kChangeTag);
  key.reserve(record_id.size() + 3 + kLogKeyBytes);
  for (char c : record_id) {
    key.push_back(c);
    if (c == '\0') key.push_back('\xff');
  }
  key.append("\0\1", 2);
  key += layout::LogKey(origin, seq);
  return key;
}

bool ParseChangeKey(std::string_view key, std::string* record_id, uint64_t* origin, uint64_t* seq) {
  if (key.size() < 1 + 2 + kLogKeyBytes || key[0] != kChangeTag) return false;
  std::string_view id = key.substr(1, key.size() - 1 - 2 - kLogKeyBytes);
  if (key.substr(key.size() - 2 - kLogKeyBytes, 2) != std::string_view("\0\1", 2)) return false;
  record_id->clear();
  for (size_t i = 0; i < id.size(); ++i) {
    record_id->push_back(id[i]);
    if (id[i] == '\0') ++i;  // the escape's FF
  }
  return layout::ParseLogKey(key.substr(key.size() - kLogKeyBytes), origin, seq);
}

// Threads that run one job at a time over a range cut into one part per thread, the calling thread
// taking the first. They live as long as the verification: per-thread state (the name folder's ICU
// transliterator) is made once per thread, not once per chunk.
class Workers {
 public:
  explicit Workers(unsigned count) {
    for (unsigned w = 1; w < count; ++w) threads_.emplace_back([this, w] { Serve(w); });
  }
  ~Workers() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  unsigned count() const { return static_cast<unsigned>(threads_.size()) + 1; }

  // Runs fn(begin, end, worker) over [0, n) and returns when every part is done. fn must not throw.
  void Run(size_t n, const std::function<void(size_t, size_t, unsigned)>& fn) {
    if (threads_.empty() || n < 64) {
      fn(0, n, 0);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = &fn;
      n_ = n;
      pending_ = threads_.size();
      ++generation_;
    }
    wake_.notify_all();
    fn(0, Part(n, 0).second, 0);
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
  }

 private:
  std::pair<size_t, size_t> Part(size_t n, unsigned w) const {
    const size_t step = (n + count() - 1) / count();
    return {std::min(n, w * step), std::min(n, (w + 1) * step)};
  }

  void Serve(unsigned w) {
    uint64_t seen = 0;
    while (true) {
      const std::function<void(size_t, size_t, unsigned)>* job = nullptr;
      size_t n = 0;
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        job = job_;
        n = n_;
      }
      auto [begin, end] = Part(n, w);
      if (begin < end) (*job)(begin, end, w);
      {
        std::lock_guard<std::mutex> lock(mu_);
        --pending_;
      }
      done_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  const std::function<void(size_t, size_t, unsigned)>* job_ = nullptr;
  size_t n_ = 0;
  size_t pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

StateDigest SumDigests(const std::vector<StateDigest>& parts) {
  std::vector<uint32_t> lanes(StateDigest::kLanes, 0);
  for (const auto& part : parts) {
    std::string bytes = part.Serialize();
    for (size_t i = 0; i < StateDigest::kLanes; ++i) {
      lanes[i] += static_cast<uint8_t>(bytes[2 * i]) | (static_cast<uint32_t>(static_cast<uint8_t>(bytes[2 * i + 1])) << 8);
    }
  }
  std::string sum(StateDigest::kBytes, '\0');
  for (size_t i = 0; i < StateDigest::kLanes; ++i) {
    sum[2 * i] = static_cast<char>(lanes[i] & 0xff);
    sum[2 * i + 1] = static_cast<char>((lanes[i] >> 8) & 0xff);
  }
  return *StateDigest::Deserialize(sum);
}

// One log entry of a chunk: read in order, decoded and hashed by the workers.
struct PendingEntry {
  uint64_t origin = 0;
  uint64_t seq = 0;
  std::string bytes;
  Status status;  // decoding, the origin and seq it claims, its shape
  Hash256 leaf{};
  std::string scratch_key;
};

// A checkpoint whose root matched, its signature checked by the workers at the end of the chunk.
struct PendingSignature {
  size_t position;  // of the entry it signs up to, in the chunk
  uint64_t origin;
  uint64_t seq;
  PublicKey key;
  std::string bytes;
  Status status;
};

// One record of a chunk: its changes read in order from the scratch space, folded by the workers.
struct PendingRecord {
  std::string id;
  std::vector<std::pair<std::pair<uint64_t, uint64_t>, std::string>> changes;  // (origin, seq), entry
  Status status;
  std::string state;
  std::vector<IndexEntry> index;
};

class Verifier {
 public:
  Verifier(const Store& store, const KeyLookup& key_of, const VerifyOptions& options)
      : store_(store), key_of_(key_of), options_(options) {
    unsigned threads = options.threads;
    if (threads == 0) threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    workers_ = std::make_unique<Workers>(threads);
    digests_.resize(threads);
    tallies_.resize(threads);
    unit_origins_.resize(threads);
  }

  Result<VerifyReport> Run() {
    scratch_ = std::make_unique<ScratchDb>(options_.scratch_dir, options_.sort_memory_bytes);

    // Pass 1: every origin's log in (origin, seq) order; each change goes to the scratch space.
    Status entry_status;
    DANCU_RETURN_IF_ERROR(store_.ScanLog([&](uint64_t origin, uint64_t seq, std::string_view bytes) {
      PendingEntry& pending = chunk_.emplace_back();
      pending.origin = origin;
      pending.seq = seq;
      pending.bytes.assign(bytes);
      chunk_bytes_ += bytes.size();
      if (chunk_.size() >= kChunkItems || chunk_bytes_ >= kChunkBytes) entry_status = ProcessChunk();
      return entry_status.ok();
    }));
    DANCU_RETURN_IF_ERROR(entry_status);
    DANCU_RETURN_IF_ERROR(ProcessChunk());
    if (in_origin_) DANCU_RETURN_IF_ERROR(FinishOrigin());
    DANCU_RETURN_IF_ERROR(CheckOrphanCheckpoints());

    // Pass 2: the changes by record, folded and joined with the stored records; pass 3: indexes.
    DANCU_RETURN_IF_ERROR(CompareRecords());
    DANCU_RETURN_IF_ERROR(CompareIndexes());
    DANCU_RETURN_IF_ERROR(CompareDigest());
    DANCU_RETURN_IF_ERROR(CompareTallies());
    DANCU_RETURN_IF_ERROR(CompareUnitOrigins());
    return report_;
  }

 private:
  // ---- pass 1: the logs ----

  Status ProcessChunk() {
    if (chunk_.empty()) return Status::Ok();
    workers_->Run(chunk_.size(), [&](size_t begin, size_t end, unsigned) {
      for (size_t i = begin; i < end; ++i) Decode(chunk_[i]);
    });
    Status serial;
    size_t failed_at = chunk_.size();
    for (size_t i = 0; i < chunk_.size(); ++i) {
      position_ = i;
      serial = OnEntry(chunk_[i]);
      if (!serial.ok()) {
        failed_at = i;
        break;
      }
    }
    // Signatures of the checkpoints whose roots matched: the first bad one before the first other
    // failure is the error, as if each had been checked in its turn.
    workers_->Run(signatures_.size(), [&](size_t begin, size_t end, unsigned) {
      for (size_t i = begin; i < end; ++i) CheckSignature(signatures_[i]);
    });
    for (const auto& s : signatures_) {
      if (s.position > failed_at) break;
      if (!s.status.ok()) return s.status;
    }
    signatures_.clear();
    chunk_.clear();
    chunk_bytes_ = 0;
    return serial;
  }

  static void Decode(PendingEntry& e) {
    auto entry = Parsed<schema::LogEntry>::Parse(e.bytes, At(e.origin, e.seq));
    if (!entry.ok()) {
      e.status = entry.status();
      return;
    }
    auto change = entry->get().getChange();
    if (change.getOrigin() != e.origin || change.getSeq() != e.seq) {
      e.status = Status::Corruption(At(e.origin, e.seq) + ": entry claims " + At(change.getOrigin(), change.getSeq()));
      return;
    }
    e.status = CheckChangeShape(change).WithContext(At(e.origin, e.seq));
    if (!e.status.ok()) return;
    e.leaf = merkle::LeafHash(e.bytes);
    e.scratch_key = ChangeKey(std::string_view(change.getRecordId().cStr(), change.getRecordId().size()), e.origin, e.seq);
  }

  static void CheckSignature(PendingSignature& s) {
    auto checkpoint = Parsed<schema::Checkpoint>::Parse(s.bytes, "checkpoint " + At(s.origin, s.seq));
    if (!checkpoint.ok()) {
      s.status = checkpoint.status();
      return;
    }
    s.status = VerifyCheckpoint(checkpoint->get(), s.key).WithContext("checkpoint " + At(s.origin, s.seq));
  }

  Status StartOrigin(uint64_t origin) {
    if (in_origin_) DANCU_RETURN_IF_ERROR(FinishOrigin());
    auto key = key_of_(origin);
    if (!key) return Status::Corruption("no signing key known for origin " + OriginName(origin));
    key_ = *key;
    origin_ = origin;
    expected_seq_ = 1;
    signed_up_to_ = 0;
    tree_ = merkle::Frontier();
    checkpoints_.clear();
    checkpoints_from_ = 1;
    checkpoints_done_ = false;
    in_origin_ = true;
    ++report_.origins;
    return Status::Ok();
  }

  Status OnEntry(PendingEntry& e) {
    const uint64_t origin = e.origin, seq = e.seq;
    if (!in_origin_ || origin != origin_) DANCU_RETURN_IF_ERROR(StartOrigin(origin));
    if (seq != expected_seq_) {
      return Status::Corruption(At(origin, expected_seq_) + ": entry missing (next stored is seq " +
                                std::to_string(seq) + ")");
    }
    DANCU_RETURN_IF_ERROR(e.status);
    Status node_status;
    tree_.Append(e.leaf, [&](uint32_t level, uint64_t index, const Hash256& hash) {
      if (level < layout::kStoredTreeLevel || !node_status.ok()) return;
      auto stored = store_.TreeNode(origin, level, index);
      if (!stored.ok()) {
        node_status = stored.status();
      } else if (!stored->has_value() || **stored != hash) {
        node_status = Status::Corruption(At(origin, (index << level) + 1) + ": the stored tree node over entries up to seq " +
                                         std::to_string((index + 1) << level) + (stored->has_value() ? " differs from them" : " is missing"));
      }
    });
    DANCU_RETURN_IF_ERROR(node_status);
    DANCU_RETURN_IF_ERROR(CheckCheckpoint(seq));
    DANCU_RETURN_IF_ERROR(scratch_->Put(e.scratch_key, e.bytes));
    ++expected_seq_;
    ++report_.entries;
    return Status::Ok();
  }

  // The origin's next checkpoint not yet consumed, read ahead in batches; null after the last.
  Result<std::pair<uint64_t, std::string>*> NextCheckpoint() {
    if (checkpoints_.empty() && !checkpoints_done_) {
      size_t read = 0;
      DANCU_RETURN_IF_ERROR(store_.ScanCheckpointsFrom(origin_, checkpoints_from_, [&](uint64_t, uint64_t seq, std::string_view b) {
        checkpoints_.emplace_back(seq, std::string(b));
        ++read;
        if (seq == UINT64_MAX) {
          checkpoints_done_ = true;
          return false;
        }
        checkpoints_from_ = seq + 1;
        return read < kCheckpointBatch;
      }));
      if (read < kCheckpointBatch) checkpoints_done_ = true;
    }
    if (checkpoints_.empty()) return static_cast<std::pair<uint64_t, std::string>*>(nullptr);
    return &checkpoints_.front();
  }

  Status CheckCheckpoint(uint64_t seq) {
    std::pair<uint64_t, std::string>* next = nullptr;
    while (true) {
      auto found = NextCheckpoint();
      if (!found.ok()) return found.status();
      next = *found;
      if (next == nullptr || next->first >= seq) break;
      checkpoints_.pop_front();  // a checkpoint of size 0: no entry reaches it
    }
    if (next == nullptr || next->first != seq) return Status::Ok();
    std::string bytes = std::move(next->second);
    checkpoints_.pop_front();
    auto checkpoint = Parsed<schema::Checkpoint>::Parse(bytes, "checkpoint " + At(origin_, seq));
    if (!checkpoint.ok()) return checkpoint.status();
    auto cp = checkpoint->get();
    if (cp.getOrigin() != origin_ || cp.getSeq() != seq) {
      return Status::Corruption("checkpoint " + At(origin_, seq) + " claims " +
                                At(cp.getOrigin(), cp.getSeq()));
    }
    auto root = HashFromData(cp.getRoot(), "checkpoint root");
    if (!root.ok()) return root.status();
    if (*root != tree_.Root()) {
      return Status::Corruption(At(origin_, signed_up_to_ + 1) + " to seq " + std::to_string(seq) +
                                ": the entries do not give the root their checkpoint signs");
    }
    signatures_.push_back({position_, origin_, seq, key_, std::move(bytes), Status::Ok()});
    signed_up_to_ = seq;
    ++report_.checkpoints;
    return Status::Ok();
  }

  Status FinishOrigin() {
    const uint64_t last = expected_seq_ - 1;
    uint64_t beyond = 0;
    DANCU_RETURN_IF_ERROR(store_.ScanCheckpointsFrom(origin_, last + 1, [&](uint64_t, uint64_t seq, std::string_view) {
      beyond = std::max(beyond, seq);
      return true;
    }));
    if (beyond > last) {
      return Status::Corruption("checkpoint " + At(origin_, beyond) +
                                " signs entries that are not stored (log ends at seq " +
                                std::to_string(last) + ")");
    }
    if (signed_up_to_ != last) {
      return Status::Corruption(At(origin_, signed_up_to_ + 1) + ": entries up to seq " +
                                std::to_string(last) + " are not covered by a signed checkpoint");
    }
    finished_.insert(origin_);
    in_origin_ = false;
    return Status::Ok();
  }

  // Checkpoints of an origin with no stored entry at all (the others were read with their log).
  Status CheckOrphanCheckpoints() {
    Status orphan;
    DANCU_RETURN_IF_ERROR(store_.ScanCheckpoints([&](uint64_t origin, uint64_t seq, std::string_view) {
      if (finished_.count(origin)) return true;
      orphan = Status::Corruption("checkpoint " + At(origin, seq) + " signs a log that is not stored");
      return false;
    }));
    return orphan;
  }

  // ---- pass 2: the records ----

  // Reads the next chunk of records (whole: all of a record's changes) from the scratch space and
  // folds them on the workers. Empty at the end.
  Status LoadRecords() {
    records_.clear();
    next_record_ = 0;
    size_t bytes = 0;
    std::string id;
    uint64_t origin = 0, seq = 0;
    for (; changes_->Valid(); changes_->Next()) {
      if (!ParseChangeKey(changes_->key(), &id, &origin, &seq)) {
        return Status::Corruption("scratch space: a malformed key");
      }
      if (records_.empty() || records_.back().id != id) {
        if (records_.size() >= kChunkItems || bytes >= kChunkBytes) break;
        records_.emplace_back().id = id;
      }
      records_.back().changes.emplace_back(std::make_pair(origin, seq), std::string(changes_->value()));
      bytes += changes_->value().size();
    }
    DANCU_RETURN_IF_ERROR(changes_->status());
    workers_->Run(records_.size(), [&](size_t begin, size_t end, unsigned worker) {
      for (size_t i = begin; i < end; ++i) Replay(records_[i], store_.hub(), digests_[worker], tallies_[worker], unit_origins_[worker]);
    });
    return Status::Ok();
  }

  static void Replay(PendingRecord& r, bool hub, StateDigest& digest, UnitTallies& tallies, UnitOrigins& unit_origins) {
    for (const auto& [at, bytes] : r.changes) {
      auto entry = Parsed<schema::LogEntry>::Parse(bytes, At(at.first, at.second));
      if (!entry.ok()) {
        r.status = entry.status();
        return;
      }
      auto change = entry->get().getChange();
      if (r.state.empty()) {
        r.state = FoldChange(nullptr, change);
      } else {
        auto current = Parsed<schema::RecordState>::Own(r.state);
        auto reader = current.get();
        r.state = FoldChange(&reader, change);
      }
    }
    r.changes.clear();
    r.changes.shrink_to_fit();
    digest.Add(r.id, r.state);
    auto state = Parsed<schema::RecordState>::Own(r.state);
    if (!IsFragment(state.get())) r.index = IndexEntriesFor(state.get().getResident(), hub);
    if (auto counted = TallyOf(state.get())) tallies[counted->unit].Add(counted->tally);
    AddUnitOrigins(state.get(), 1, unit_origins);
  }

  // The next record the replay expects in id order; null after the last.
  Result<PendingRecord*> NextRecord() {
    if (next_record_ == records_.size()) DANCU_RETURN_IF_ERROR(LoadRecords());
    if (records_.empty()) return static_cast<PendingRecord*>(nullptr);
    return &records_[next_record_];
  }

  Status CompareRecords() {
    auto changes = scratch_->Scan(std::string(1, kChangeTag));
    if (!changes.ok()) return changes.status();
    changes_ = std::move(*changes);
    Status mismatch;
    DANCU_RETURN_IF_ERROR(store_.ScanRecords([&](std::string_view id, std::string_view bytes) {
      auto next = NextRecord();
      if (!next.ok()) {
        mismatch = next.status();
        return false;
      }
      PendingRecord* expected = *next;
      if (expected != nullptr && !expected->status.ok()) {
        mismatch = expected->status;
        return false;
      }
      if (expected == nullptr || id < expected->id) {
        mismatch = Status::Corruption("record " + std::string(id) + " is stored but no change made it");
        return false;
      }
      if (expected->id < id) {
        mismatch = Status::Corruption("record " + expected->id + " is missing from the stored state");
        return false;
      }
      if (expected->state != bytes) {
        mismatch = Status::Corruption("record " + std::string(id) + " differs from the replay of its changes");
        return false;
      }
      for (const auto& e : expected->index) {
        mismatch = scratch_->Put(std::string(1, kIndexTag) + e.key, e.value);
        if (!mismatch.ok()) return false;
      }
      ++next_record_;
      ++report_.records;
      return true;
    }));
    DANCU_RETURN_IF_ERROR(mismatch);
    auto next = NextRecord();
    if (!next.ok()) return next.status();
    if (*next != nullptr) {
      DANCU_RETURN_IF_ERROR((*next)->status);
      return Status::Corruption("record " + (*next)->id + " is missing from the stored state");
    }
    changes_.reset();
    return Status::Ok();
  }

  // ---- pass 3 and the sums ----

  Status CompareIndexes() {
    auto scanned = scratch_->Scan(std::string(1, kIndexTag));
    if (!scanned.ok()) return scanned.status();
    auto& expected = *scanned;
    Status mismatch;
    DANCU_RETURN_IF_ERROR(store_.ScanIndex("", [&](std::string_view key, std::string_view value) {
      if (!expected->Valid() || expected->key().substr(1) != key || expected->value() != value) {
        mismatch = expected->status();
        if (mismatch.ok()) {
          mismatch = Status::Corruption("an index entry of kind '" + std::string(key.substr(0, 1)) +
                                        "' does not match the records");
        }
        return false;
      }
      expected->Next();
      return true;
    }));
    DANCU_RETURN_IF_ERROR(mismatch);
    DANCU_RETURN_IF_ERROR(expected->status());
    if (expected->Valid()) {
      return Status::Corruption("an index entry of kind '" + std::string(expected->key().substr(1, 1)) + "' is missing");
    }
    return Status::Ok();
  }

  Status CompareDigest() {
    StateDigest replayed = SumDigests(digests_);
    if (!(replayed == store_.state_digest())) {
      return Status::Corruption("the stored state hash differs from the replayed one");
    }
    report_.state_hash = replayed.Digest();
    return Status::Ok();
  }

  Status CompareTallies() {
    UnitTallies replayed;
    for (const auto& part : tallies_) {
      for (const auto& [unit, tally] : part) replayed[unit].Add(tally);
    }
    auto kept = store_.Tallies();
    if (!kept.ok()) return kept.status();
    for (const auto& [unit, tally] : replayed) {
      auto it = kept->find(unit);
      if (it == kept->end() || !(it->second == tally)) {
        return Status::Corruption("the kept counters of unit \"" + unit + "\" differ from the replayed records");
      }
    }
    if (kept->size() != replayed.size()) {
      return Status::Corruption("counters are kept for a unit that has no resident in the replayed records");
    }
    return Status::Ok();
  }

  Status CompareUnitOrigins() {
    UnitOrigins replayed;
    for (const auto& part : unit_origins_) {
      for (const auto& [row, count] : part) replayed[row] += count;
    }
    auto kept = store_.KeptUnitOrigins();
    if (!kept.ok()) return kept.status();
    if (*kept != replayed) {
      return Status::Corruption("the kept index of which origins changed each unit's records differs from the "
                                "replayed records");
    }
    return Status::Ok();
  }

  const Store& store_;
  const KeyLookup& key_of_;
  const VerifyOptions& options_;
  std::unique_ptr<Workers> workers_;
  std::unique_ptr<ScratchDb> scratch_;
  std::set<uint64_t> finished_;  // origins whose log was read
  VerifyReport report_;

  // Pass 1.
  std::vector<PendingEntry> chunk_;
  size_t chunk_bytes_ = 0;
  size_t position_ = 0;  // of the entry being checked, in the chunk
  std::vector<PendingSignature> signatures_;
  bool in_origin_ = false;
  uint64_t origin_ = 0;
  uint64_t expected_seq_ = 1;
  uint64_t signed_up_to_ = 0;
  merkle::Frontier tree_;  // the origin's tree as replayed so far
  PublicKey key_{};
  std::deque<std::pair<uint64_t, std::string>> checkpoints_;  // the origin's, read ahead
  uint64_t checkpoints_from_ = 1;
  bool checkpoints_done_ = false;

  // Pass 2.
  std::unique_ptr<ScratchDb::Cursor> changes_;
  std::vector<PendingRecord> records_;
  size_t next_record_ = 0;
  std::vector<StateDigest> digests_;  // per worker; sums
  std::vector<UnitTallies> tallies_;
  std::vector<UnitOrigins> unit_origins_;
};

}  // namespace

Result<VerifyReport> VerifyStore(const Store& store, const KeyLookup& key_of, const VerifyOptions& options) {
  return Verifier(store, key_of, options).Run();
}

}  // namespace dancu::storage
