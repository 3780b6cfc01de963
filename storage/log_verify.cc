#include "storage/log_verify.h"

#include <map>
#include <set>
#include <string>

#include "storage/canonical.h"
#include "storage/log_format.h"
#include "storage/merkle.h"
#include "storage/record_fold.h"
#include "storage/record_index.h"
#include "storage/store_layout.h"
#include "storage/unit_tally.h"

namespace dancu::storage {

namespace {

std::string OriginName(uint64_t origin) { return ToHex(layout::EncodeU64(origin)); }

std::string At(uint64_t origin, uint64_t seq) {
  return "origin " + OriginName(origin) + " seq " + std::to_string(seq);
}

class Verifier {
 public:
  Verifier(const Store& store, const KeyLookup& key_of) : store_(store), key_of_(key_of) {}

  Result<VerifyReport> Run() {
    DANCU_RETURN_IF_ERROR(store_.ScanCheckpoints([&](uint64_t origin, uint64_t seq, std::string_view b) {
      checkpoints_[origin][seq] = std::string(b);
      return true;
    }));
    Status entry_status;
    DANCU_RETURN_IF_ERROR(store_.ScanLog([&](uint64_t origin, uint64_t seq, std::string_view bytes) {
      entry_status = OnEntry(origin, seq, bytes);
      return entry_status.ok();
    }));
    DANCU_RETURN_IF_ERROR(entry_status);
    if (in_origin_) DANCU_RETURN_IF_ERROR(FinishOrigin());
    for (const auto& [origin, by_seq] : checkpoints_) {
      if (!finished_.count(origin)) {
        return Status::Corruption("checkpoint " + At(origin, by_seq.begin()->first) +
                                  " signs a log that is not stored");
      }
    }
    DANCU_RETURN_IF_ERROR(CompareRecords());
    DANCU_RETURN_IF_ERROR(CompareIndexes());
    DANCU_RETURN_IF_ERROR(CompareDigest());
    DANCU_RETURN_IF_ERROR(CompareTallies());
    return report_;
  }

 private:
  Status StartOrigin(uint64_t origin) {
    if (in_origin_) DANCU_RETURN_IF_ERROR(FinishOrigin());
    auto key = key_of_(origin);
    if (!key) return Status::Corruption("no signing key known for origin " + OriginName(origin));
    key_ = *key;
    origin_ = origin;
    expected_seq_ = 1;
    signed_up_to_ = 0;
    tree_ = merkle::Frontier();
    in_origin_ = true;
    ++report_.origins;
    return Status::Ok();
  }

  Status OnEntry(uint64_t origin, uint64_t seq, std::string_view bytes) {
    if (!in_origin_ || origin != origin_) DANCU_RETURN_IF_ERROR(StartOrigin(origin));
    if (seq != expected_seq_) {
      return Status::Corruption(At(origin, expected_seq_) + ": entry missing (next stored is seq " +
                                std::to_string(seq) + ")");
    }
    auto entry = Parsed<schema::LogEntry>::Parse(bytes, At(origin, seq));
    if (!entry.ok()) return entry.status();
    auto change = entry->get().getChange();
    if (change.getOrigin() != origin || change.getSeq() != seq) {
      return Status::Corruption(At(origin, seq) + ": entry claims " +
                                At(change.getOrigin(), change.getSeq()));
    }
    DANCU_RETURN_IF_ERROR(CheckChangeShape(change).WithContext(At(origin, seq)));
    Status node_status;
    tree_.Append(merkle::LeafHash(bytes), [&](uint32_t level, uint64_t index, const Hash256& hash) {
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
    Fold(change);
    ++expected_seq_;
    ++report_.entries;
    return Status::Ok();
  }

  Status CheckCheckpoint(uint64_t seq) {
    auto& by_seq = checkpoints_[origin_];
    auto it = by_seq.find(seq);
    if (it == by_seq.end()) return Status::Ok();
    auto checkpoint = Parsed<schema::Checkpoint>::Parse(it->second, "checkpoint " + At(origin_, seq));
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
    DANCU_RETURN_IF_ERROR(VerifyCheckpoint(cp, key_).WithContext("checkpoint " + At(origin_, seq)));
    signed_up_to_ = seq;
    ++report_.checkpoints;
    return Status::Ok();
  }

  Status FinishOrigin() {
    uint64_t last = expected_seq_ - 1;
    auto& by_seq = checkpoints_[origin_];
    if (!by_seq.empty() && by_seq.rbegin()->first > last) {
      return Status::Corruption("checkpoint " + At(origin_, by_seq.rbegin()->first) +
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

  void Fold(schema::Change::Reader change) {
    std::string id = change.getRecordId().cStr();
    auto it = states_.find(id);
    if (it == states_.end()) {
      states_.emplace(id, FoldChange(nullptr, change));
      return;
    }
    auto current = Parsed<schema::RecordState>::Own(it->second);
    auto reader = current.get();
    it->second = FoldChange(&reader, change);
  }

  Status CompareRecords() {
    auto expected = states_.begin();
    Status mismatch;
    DANCU_RETURN_IF_ERROR(store_.ScanRecords([&](std::string_view id, std::string_view bytes) {
      if (expected == states_.end() || expected->first != id) {
        mismatch = Status::Corruption("record " + std::string(id) + " is stored but no change made it");
        return false;
      }
      if (expected->second != bytes) {
        mismatch = Status::Corruption("record " + std::string(id) + " differs from the replay of its changes");
        return false;
      }
      ++expected;
      ++report_.records;
      return true;
    }));
    DANCU_RETURN_IF_ERROR(mismatch);
    if (expected != states_.end()) {
      return Status::Corruption("record " + expected->first + " is missing from the stored state");
    }
    return Status::Ok();
  }

  Status CompareIndexes() {
    std::map<std::string, std::string> expected;
    for (const auto& [id, bytes] : states_) {
      auto state = Parsed<schema::RecordState>::Own(bytes);
      if (IsFragment(state.get())) continue;
      for (auto& e : IndexEntriesFor(state.get().getResident())) expected.emplace(std::move(e.key), std::move(e.value));
    }
    auto it = expected.begin();
    Status mismatch;
    DANCU_RETURN_IF_ERROR(store_.ScanIndex("", [&](std::string_view key, std::string_view value) {
      if (it == expected.end() || it->first != key || it->second != value) {
        mismatch = Status::Corruption("an index entry of kind '" + std::string(key.substr(0, 1)) +
                                      "' does not match the records");
        return false;
      }
      ++it;
      return true;
    }));
    DANCU_RETURN_IF_ERROR(mismatch);
    if (it != expected.end()) {
      return Status::Corruption("an index entry of kind '" + it->first.substr(0, 1) + "' is missing");
    }
    return Status::Ok();
  }

  Status CompareDigest() {
    StateDigest replayed;
    for (const auto& [id, bytes] : states_) replayed.Add(id, bytes);
    if (!(replayed == store_.state_digest())) {
      return Status::Corruption("the stored state hash differs from the replayed one");
    }
    report_.state_hash = replayed.Digest();
    return Status::Ok();
  }

  Status CompareTallies() {
    UnitTallies replayed;
    for (const auto& [id, bytes] : states_) {
      if (auto counted = TallyOf(Parsed<schema::RecordState>::Own(bytes).get())) {
        replayed[counted->unit].Add(counted->tally);
      }
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

  const Store& store_;
  const KeyLookup& key_of_;
  std::map<uint64_t, std::map<uint64_t, std::string>> checkpoints_;
  std::map<std::string, std::string, std::less<>> states_;
  std::set<uint64_t> finished_;
  VerifyReport report_;

  bool in_origin_ = false;
  uint64_t origin_ = 0;
  uint64_t expected_seq_ = 1;
  uint64_t signed_up_to_ = 0;
  merkle::Frontier tree_;  // the origin's tree as replayed so far
  PublicKey key_{};
};

}  // namespace

Result<VerifyReport> VerifyStore(const Store& store, const KeyLookup& key_of) {
  return Verifier(store, key_of).Run();
}

}  // namespace dancu::storage
