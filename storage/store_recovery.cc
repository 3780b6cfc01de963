// Recovery of a node's own change log (store.h RewindOwnLog, Reauthor; docs/log-format.md).
//
// A node restored from an older copy, or whose newest writes were lost, holds less of its own log
// than its parent does, and may have authored since under seq numbers the parent holds other
// entries for. Signing those would fork its log (the parent would hold it compromised). So it
// sets its entries after the last seq the parent is known to hold aside, takes its own entries
// back from the parent, and then authors what was set aside again, after them.
#include <capnp/message.h>

#include <map>
#include <set>

#include "storage/canonical.h"
#include "storage/record_fold.h"
#include "storage/record_stage.h"
#include "storage/store.h"
#include "storage/store_layout.h"

namespace dancu::storage {

namespace {
std::string RecoveryEntryKey(uint64_t seq) { return std::string(layout::kRecoveryEntryPrefix) + layout::EncodeU64(seq); }
}  // namespace

std::optional<uint64_t> Store::RecoveryTarget() const {
  std::lock_guard<std::mutex> lock(mu_);
  return recovery_target_;
}

Status Store::RewindOwnLog(uint64_t origin, uint64_t keep, uint64_t peer_head) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t head = versions_.count(origin) ? versions_.at(origin) : 0;
  if (keep > head) return Status::InvalidArgument("cannot keep more of the log than is held");
  rocksdb::WriteBatch batch;
  std::set<std::string> touched;
  Status parsed_all;
  DANCU_RETURN_IF_ERROR(ScanLogFrom(origin, keep + 1, [&](uint64_t, uint64_t seq, std::string_view bytes) {
    auto entry = Parsed<schema::LogEntry>::Parse(bytes, "entry " + std::to_string(seq) + " of the own log");
    if (!entry.ok()) {
      parsed_all = entry.status();
      return false;
    }
    touched.insert(entry->get().getChange().getRecordId().cStr());
    batch.Put(cf_->meta, RecoveryEntryKey(seq), Slice(bytes));
    batch.Delete(cf_->log, layout::LogKey(origin, seq));
    return true;
  }));
  DANCU_RETURN_IF_ERROR(parsed_all);
  DANCU_RETURN_IF_ERROR(ScanCheckpointsFrom(origin, keep + 1, [&](uint64_t, uint64_t seq, std::string_view) {
    batch.Delete(cf_->checkpoints, layout::LogKey(origin, seq));
    return true;
  }));
  // Tree nodes reaching past `keep` described the entries set aside.
  for (uint32_t level = layout::kStoredTreeLevel; level < 64 && (head >> level) > 0; ++level) {
    for (uint64_t index = keep >> level; index < (head >> level); ++index) {
      batch.Delete(cf_->tree, layout::TreeKey(origin, level, index));
    }
  }

  // The records those entries touched, folded again from the changes that remain (folds do not
  // depend on order); a record that only they made goes away.
  std::map<std::string, std::optional<std::string>, std::less<>> refolded;
  for (const auto& id : touched) refolded.emplace(id, std::nullopt);
  Status folded;
  DANCU_RETURN_IF_ERROR(ScanLog([&](uint64_t o, uint64_t seq, std::string_view bytes) {
    if (o == origin && seq > keep) return true;
    auto entry = Parsed<schema::LogEntry>::Parse(bytes, "log entry");
    if (!entry.ok()) {
      folded = entry.status();
      return false;
    }
    auto change = entry->get().getChange();
    auto it = refolded.find(std::string_view(change.getRecordId().cStr()));
    if (it == refolded.end()) return true;
    if (!it->second) {
      it->second = FoldChange(nullptr, change);
    } else {
      auto current = Parsed<schema::RecordState>::Own(*it->second);
      auto reader = current.get();
      it->second = FoldChange(&reader, change);
    }
    return true;
  }));
  DANCU_RETURN_IF_ERROR(folded);
  RecordStage stage(*this, db_.get(), *cf_, batch, digest_);
  for (auto& [id, state] : refolded) {
    auto before = GetRecord(id);
    if (!before.ok()) return before.status();
    if (state) {
      stage.Put(id, *before, std::move(*state));
    } else if (before->has_value()) {
      stage.Erase(id, **before);
    }
  }
  const std::string version_key = std::string(layout::kVersionPrefix) + layout::EncodeU64(origin);
  if (keep > 0) {
    batch.Put(cf_->meta, version_key, layout::EncodeU64(keep));
  } else {
    batch.Delete(cf_->meta, version_key);
  }
  DANCU_RETURN_IF_ERROR(stage.Finish());
  batch.Put(cf_->meta, layout::kRecoveryTargetKey, layout::EncodeU64(peer_head));
  DANCU_RETURN_IF_ERROR(WriteDurably(batch, "setting the own log's newest entries aside"));

  digest_ = stage.digest();
  if (keep > 0) {
    versions_[origin] = keep;
  } else {
    versions_.erase(origin);
  }
  frontiers_.erase(origin);
  recovery_target_ = peer_head;
  return Status::Ok();
}

Result<Store::ReauthorOutcome> Store::Reauthor(const SigningKey& key, const RecordCheck& check) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t origin = key.node_id();
  if (!recovery_target_) return Status::FailedPrecondition("no recovery of the own log is under way");
  const uint64_t held = versions_.count(origin) ? versions_.at(origin) : 0;
  if (held < *recovery_target_) {
    return Status::FailedPrecondition("the own log is back to seq " + std::to_string(held) + " of " +
                                      std::to_string(*recovery_target_) + ": sync with the parent first");
  }
  std::vector<std::pair<uint64_t, std::string>> aside;
  DANCU_RETURN_IF_ERROR(ScanMeta(layout::kRecoveryEntryPrefix, [&](std::string_view k, std::string_view v) {
    uint64_t seq = 0;
    if (layout::DecodeU64(k.substr(layout::kRecoveryEntryPrefix.size()), &seq)) aside.emplace_back(seq, v);
    return true;
  }));

  auto erase_meta = [&](const std::string& meta_key, std::string_view what) {
    rocksdb::WriteBatch batch;
    batch.Delete(cf_->meta, meta_key);
    return WriteDurably(batch, what);
  };
  ReauthorOutcome outcome;
  std::map<std::string, std::string> renamed;  // a re-authored creation's old record id -> its new one
  for (const auto& [seq, bytes] : aside) {
    std::string held_bytes;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_->log, layout::LogKey(origin, seq), &held_bytes);
    if (!s.IsNotFound()) DANCU_RETURN_IF_ERROR(FromRocks(s, "reading the own log"));
    if (s.ok() && held_bytes == bytes) {  // it came back from the peer as it was: nothing to redo
      DANCU_RETURN_IF_ERROR(erase_meta(RecoveryEntryKey(seq), "recovery"));
      ++outcome.returned;
      continue;
    }
    auto entry = Parsed<schema::LogEntry>::Parse(bytes, "an entry set aside");
    if (!entry.ok()) return entry.status();
    auto change = entry->get().getChange();
    std::vector<Draft> drafts(1);
    Draft& draft = drafts[0];
    const std::string old_id = change.getRecordId().cStr();
    const bool fresh_creation = change.getOperation() == schema::Operation::CREATE && old_id == RecordIdFor(origin, seq);
    draft.record_id = fresh_creation ? "" : renamed.count(old_id) ? renamed.at(old_id) : old_id;
    draft.operation = change.getOperation();
    for (uint16_t f : change.getFields()) draft.fields.push_back(f);
    draft.values->setRoot(change.getValues());
    draft.officer = change.getOfficer().cStr();
    draft.officer_role = change.getOfficerRole();
    const std::string aside_key = RecoveryEntryKey(seq);
    auto appended = AppendLocked(drafts, key, check, [&](rocksdb::WriteBatch& batch) {
      batch.Delete(cf_->meta, aside_key);
    });
    if (!appended.ok()) return appended.status();
    if (!appended->accepted.empty()) {
      if (fresh_creation) renamed[old_id] = appended->accepted.front().record_id;
      ++outcome.reauthored;
      continue;
    }
    // No longer valid after what came back (a citizen number claimed meanwhile, say): kept for an
    // operator with its reasons, never dropped silently.
    std::string reason = "authoring again after the node's recovery was refused:";
    for (const auto& e : appended->rejected.front().errors) reason += " " + e.field + ": " + e.reason + ";";
    IncomingRun run;
    run.origin = origin;
    run.first_seq = seq;
    run.entries.push_back(bytes);
    run.source = "recovery of the own log";
    DANCU_RETURN_IF_ERROR(Quarantine(run, reason));
    DANCU_RETURN_IF_ERROR(erase_meta(aside_key, "recovery"));
    ++outcome.refused;
  }
  DANCU_RETURN_IF_ERROR(erase_meta(std::string(layout::kRecoveryTargetKey), "ending the recovery"));
  recovery_target_.reset();
  return outcome;
}

}  // namespace dancu::storage
