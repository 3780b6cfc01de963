#include "storage/record_stage.h"

#include <capnp/message.h>

#include "storage/canonical.h"
#include "storage/conflict_key.h"
#include "storage/ingest.capnp.h"
#include "storage/record_fold.h"
#include "storage/record_index.h"
#include "storage/resident_fields.h"
#include "storage/store_layout.h"

namespace dancu::storage {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string message = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(message);
  return Status::IOError(message);
}

Result<std::optional<std::string>> RecordStage::Current(std::string_view id) const {
  if (auto it = overlay_.find(id); it != overlay_.end()) return std::optional<std::string>(it->second);
  if (erased_.count(id)) return std::optional<std::string>();
  return store_.GetRecord(id);
}

Result<std::optional<std::string>> RecordStage::OtherClaimant(std::string_view citizen_no,
                                                              std::string_view id) const {
  if (auto it = claims_.find(citizen_no); it != claims_.end()) {
    for (const auto& claimant : it->second) {
      if (claimant != id) return std::optional<std::string>(claimant);
    }
  }
  std::optional<std::string> other;
  Status scanned = store_.ScanIndex(IndexPrefix(IndexKind::kCitizenNo, citizen_no),
                                    [&](std::string_view, std::string_view value) {
                                      // A staged record's index is being rewritten: its staged
                                      // claim, above, is the one that counts.
                                      if (value == id || overlay_.count(value)) return true;
                                      other = std::string(value);
                                      return false;
                                    });
  if (!scanned.ok()) return scanned;
  return other;
}

namespace {
// The block of a person-block index entry of record `id` ("d" block \0 id), or "" for another kind.
std::string_view PersonBlockOf(std::string_view key, std::string_view id) {
  if (key.empty() || key[0] != static_cast<char>(IndexKind::kPersonBlock) || key.size() < id.size() + 2) return {};
  return key.substr(1, key.size() - id.size() - 2);
}
}  // namespace

Status RecordStage::VisitPersonBlock(std::string_view block,
                                     const std::function<void(std::string_view summary)>& visit) const {
  if (auto it = blocks_.find(block); it != blocks_.end()) {
    for (const auto& [id, summary] : it->second) visit(summary);
  }
  size_t seen = 0;
  const std::string prefix = IndexPrefix(IndexKind::kPersonBlock, block);
  return store_.ScanIndex(prefix, [&](std::string_view key, std::string_view value) {
    std::string_view id = key.substr(prefix.size());
    // A staged record's entries are being rewritten (or removed): its staged ones, above, count.
    if (!overlay_.count(id) && !erased_.count(id)) visit(value);
    return ++seen < kMaxPersonBlockScan;
  });
}

Result<bool> RecordStage::ConflictHeld(const std::string& key) const {
  if (conflicts_.count(key)) return true;
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_.conflicts, key, &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "reading a conflict");
  return true;
}

void RecordStage::PutConflict(const std::string& key, const std::string& bytes) {
  conflicts_.insert(key);
  batch_.Put(cf_.conflicts, key, bytes);
}

void RecordStage::Put(const std::string& id, const std::optional<std::string>& before, std::string after) {
  if (before) Unstage(id, *before);
  auto next = Parsed<schema::RecordState>::Own(after);
  auto resident = next.get().getResident();
  if (!IsFragment(next.get())) {  // a fragment is no resident here: not searchable, claims no number
    for (const auto& e : IndexEntriesFor(resident, store_.options_.hub)) {
      batch_.Put(cf_.index, e.key, e.value);
      if (auto block = PersonBlockOf(e.key, id); !block.empty()) blocks_[std::string(block)][id] = e.value;
    }
    if (resident.getCitizenNo().size() > 0 && resident.getMergedInto().size() == 0) {
      claims_[resident.getCitizenNo().cStr()].insert(id);
    }
  }
  if (auto counted = TallyOf(next.get())) tally_changes_[counted->unit].Add(counted->tally);
  AddUnitOrigins(next.get(), 1, origin_changes_);
  batch_.Put(cf_.records, id, after);
  digest_.Add(id, after);
  erased_.erase(id);
  overlay_[id] = std::move(after);
}

void RecordStage::Unstage(const std::string& id, const std::string& before) {
  auto old = Parsed<schema::RecordState>::Own(before);
  if (!IsFragment(old.get())) {
    for (const auto& e : IndexEntriesFor(old.get().getResident(), store_.options_.hub)) {
      batch_.Delete(cf_.index, e.key);
      if (auto block = PersonBlockOf(e.key, id); !block.empty()) {
        if (auto it = blocks_.find(block); it != blocks_.end()) it->second.erase(id);
      }
    }
  }
  std::string old_no = old.get().getResident().getCitizenNo().cStr();
  if (auto it = claims_.find(old_no); it != claims_.end()) it->second.erase(id);
  if (auto counted = TallyOf(old.get())) tally_changes_[counted->unit].Add(counted->tally, -1);
  AddUnitOrigins(old.get(), -1, origin_changes_);
  digest_.Remove(id, before);
}

Status RecordStage::Finish() {
  batch_.Put(cf_.meta, layout::kStateDigestKey, digest_.Serialize());
  for (const auto& [unit, change] : tally_changes_) {
    if (change.Empty()) continue;
    const std::string key = layout::TallyKey(unit);
    auto stored = store_.GetMeta(key);
    if (!stored.ok()) return stored.status();
    UnitTally tally;
    if (stored->has_value()) {
      auto parsed = UnitTally::Deserialize(**stored);
      if (!parsed.ok()) return Status::Corruption("counters of unit \"" + unit + "\": " + parsed.status().message());
      tally = *parsed;
    }
    tally.Add(change);
    if (tally.Empty()) {
      batch_.Delete(cf_.meta, key);
    } else {
      batch_.Put(cf_.meta, key, tally.Serialize());
    }
  }
  for (const auto& [row, change] : origin_changes_) {
    const std::string key = layout::UnitOriginKey(row.first, row.second);
    auto stored = store_.GetMeta(key);
    if (!stored.ok()) return stored.status();
    uint64_t count = 0;
    if (stored->has_value() && !layout::DecodeU64(**stored, &count)) {
      return Status::Corruption("unit-origin row of unit \"" + row.first + "\" is not 8 bytes");
    }
    const int64_t next = static_cast<int64_t>(count) + change;
    if (next < 0) return Status::Corruption("unit-origin row of unit \"" + row.first + "\" would fall below zero");
    if (next == 0) {
      batch_.Delete(cf_.meta, key);
    } else {
      batch_.Put(cf_.meta, key, layout::EncodeU64(static_cast<uint64_t>(next)));
    }
  }
  return Status::Ok();
}

void RecordStage::Erase(const std::string& id, const std::string& before) {
  Unstage(id, before);
  batch_.Delete(cf_.records, id);
  overlay_.erase(id);
  erased_.insert(id);
}

Status RecordStage::SettleConflicts(const std::string& id, schema::Change::Reader change, bool may_decide) {
  std::vector<std::pair<std::string, std::string>> settled;
  Status scanned = store_.ScanConflicts(ConflictPrefix(id), [&](std::string_view key, std::string_view bytes) {
    auto conflict = Parsed<schema::Conflict>::Parse(bytes, "conflict");
    if (!conflict.ok()) return true;  // the audit record is unreadable: leave it for log verify
    auto c = conflict->get();
    if (c.getResolvedBy().getOrigin() != 0) return true;
    const bool duplicate = c.getKind() != schema::ConflictKind::CONCURRENT_EDIT;
    if (c.getKind() == schema::ConflictKind::DUPLICATE_CITIZEN_NO) {
      // Settled by a change that merges the record away or gives it another number.
      bool settles = false;
      for (uint16_t f : change.getFields()) settles |= f == fields::kMergedInto || f == fields::kCitizenNo;
      if (!settles) return true;
    } else if (c.getKind() == schema::ConflictKind::DUPLICATE_PERSON) {
      // Settled by a change that merges the record away or marks the other record distinct.
      bool settles = false;
      for (uint16_t f : change.getFields()) {
        if (f == fields::kMergedInto) settles = true;
        if (f == fields::kDistinctFrom) {
          for (auto other : change.getValues().getDistinctFrom()) settles |= other == c.getOtherRecordId();
        }
      }
      if (!settles) return true;
    } else {
      // Settled by a change of that field whose author had seen both values (and, under review,
      // may decide it).
      if (c.getReview() && !may_decide) return true;
      bool sets_field = false;
      for (uint16_t f : change.getFields()) sets_field |= f == c.getField();
      if (!sets_field || !ChangeSaw(change, c.getKept().getOrigin(), c.getKept().getSeq()) ||
          !ChangeSaw(change, c.getOther().getOrigin(), c.getOther().getSeq())) {
        return true;
      }
    }
    capnp::MallocMessageBuilder message;
    message.setRoot(c);
    auto resolved = message.getRoot<schema::Conflict>().initResolvedBy();
    resolved.setOrigin(change.getOrigin());
    resolved.setSeq(change.getSeq());
    settled.emplace_back(std::string(key), Canonicalize(message.getRoot<schema::Conflict>().asReader()));
    if (duplicate) {
      // The same case as the other record sees it.
      auto partner = message.getRoot<schema::Conflict>();
      partner.setRecordId(c.getOtherRecordId());
      partner.setOtherRecordId(id);
      settled.emplace_back(ConflictKey(c.getOtherRecordId().cStr(), c.getId().cStr()), Canonicalize(partner.asReader()));
    }
    return true;
  });
  DANCU_RETURN_IF_ERROR(scanned);
  for (const auto& [key, bytes] : settled) batch_.Put(cf_.conflicts, key, bytes);
  return Status::Ok();
}

void RecordStage::OpenCardCase(const std::string& id, schema::Change::Reader change, uint64_t now_ms) {
  if (change.getOperation() != schema::Operation::CARD_REVIEW || !change.getValues().getCardReview().getOpen()) return;
  const VersionRef opening{change.getOrigin(), change.getSeq()};
  const std::string conflict_id = ConflictId(id, 0x20000u | fields::kCardReview, opening, opening);
  batch_.Put(cf_.conflicts, ConflictKey(id, conflict_id),
             ConflictBytes(conflict_id, id, schema::ConflictKind::CARD_DIFFERS, fields::kCardReview, opening, opening,
                           "", true, now_ms));
}

}  // namespace dancu::storage
