// The store's per-unit counters: read, recounted, and recounted on open when stale.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/canonical.h"
#include "storage/record_stage.h"
#include "storage/store.h"
#include "storage/store_layout.h"

namespace dancu::storage {

Result<UnitTallies> Store::Tallies() const {
  if (recounted_) return *recounted_;
  UnitTallies out;
  Status failure;
  DANCU_RETURN_IF_ERROR(ScanMeta(layout::kTallyPrefix, [&](std::string_view key, std::string_view value) {
    std::string unit(key.substr(layout::kTallyPrefix.size()));
    auto tally = UnitTally::Deserialize(value);
    if (!tally.ok()) {
      failure = Status::Corruption("counters of unit \"" + unit + "\": " + tally.status().message());
      return false;
    }
    out.emplace(std::move(unit), *tally);
    return true;
  }));
  DANCU_RETURN_IF_ERROR(failure);
  return out;
}

Status Store::ScanRecordStates(const std::function<void(schema::RecordState::Reader)>& visit) const {
  Status failure;
  DANCU_RETURN_IF_ERROR(ScanRecords([&](std::string_view id, std::string_view bytes) {
    auto state = Parsed<schema::RecordState>::Parse(bytes, "record " + std::string(id));
    if (!state.ok()) {
      failure = state.status();
      return false;
    }
    visit(state->get());
    return true;
  }));
  return failure;
}

Result<UnitTallies> Store::RecountTallies() const {
  UnitTallies out;
  DANCU_RETURN_IF_ERROR(ScanRecordStates([&](schema::RecordState::Reader state) {
    if (auto counted = TallyOf(state)) out[counted->unit].Add(counted->tally);
  }));
  return out;
}

Result<bool> Store::DerivedRowsCurrent(std::string_view format_key, uint64_t format) const {
  auto stored = GetMeta(format_key);
  if (!stored.ok()) return stored.status();
  uint64_t version = 0;
  return stored->has_value() && layout::DecodeU64(**stored, &version) && version == format;
}

Status Store::ReplaceDerivedRows(std::string_view prefix, const std::vector<std::pair<std::string, std::string>>& rows,
                                 std::string_view format_key, uint64_t format, std::string_view what) {
  rocksdb::WriteBatch batch;
  DANCU_RETURN_IF_ERROR(ScanMeta(prefix, [&](std::string_view key, std::string_view) {
    batch.Delete(cf_->meta, Slice(key));
    return true;
  }));
  for (const auto& [key, value] : rows) batch.Put(cf_->meta, key, value);
  batch.Put(cf_->meta, Slice(format_key), layout::EncodeU64(format));
  return WriteDurably(batch, what);
}

Status Store::CountTalliesIfStale() {
  auto current = DerivedRowsCurrent(layout::kTallyFormatKey, layout::kTallyFormat);
  if (!current.ok()) return current.status();
  if (*current) return Status::Ok();
  auto counted = RecountTallies();
  if (!counted.ok()) return counted.status();
  if (options_.read_only) {
    recounted_ = std::move(counted.value());
    return Status::Ok();
  }
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& [unit, tally] : *counted) rows.emplace_back(layout::TallyKey(unit), tally.Serialize());
  return ReplaceDerivedRows(layout::kTallyPrefix, rows, layout::kTallyFormatKey, layout::kTallyFormat,
                            "counting the residents of each unit");
}

}  // namespace dancu::storage
