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

Result<UnitTallies> Store::RecountTallies() const {
  UnitTallies out;
  Status failure;
  DANCU_RETURN_IF_ERROR(ScanRecords([&](std::string_view id, std::string_view bytes) {
    auto state = Parsed<schema::RecordState>::Parse(bytes, "record " + std::string(id));
    if (!state.ok()) {
      failure = state.status();
      return false;
    }
    if (auto counted = TallyOf(state->get())) out[counted->unit].Add(counted->tally);
    return true;
  }));
  DANCU_RETURN_IF_ERROR(failure);
  return out;
}

Status Store::CountTalliesIfStale() {
  auto format = GetMeta(layout::kTallyFormatKey);
  if (!format.ok()) return format.status();
  uint64_t version = 0;
  if (format->has_value() && layout::DecodeU64(**format, &version) && version == layout::kTallyFormat) {
    return Status::Ok();
  }
  auto counted = RecountTallies();
  if (!counted.ok()) return counted.status();
  if (options_.read_only) {
    recounted_ = std::move(counted.value());
    return Status::Ok();
  }
  rocksdb::WriteBatch batch;
  DANCU_RETURN_IF_ERROR(ScanMeta(layout::kTallyPrefix, [&](std::string_view key, std::string_view) {
    batch.Delete(cf_->meta, Slice(key));
    return true;
  }));
  for (const auto& [unit, tally] : *counted) batch.Put(cf_->meta, layout::TallyKey(unit), tally.Serialize());
  batch.Put(cf_->meta, layout::kTallyFormatKey, layout::EncodeU64(layout::kTallyFormat));
  return WriteDurably(batch, "counting the residents of each unit");
}

}  // namespace dancu::storage
