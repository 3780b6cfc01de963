// The duplicate blocks of a store written before they existed: indexed once, when it opens.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/canonical.h"
#include "storage/record_fold.h"
#include "storage/record_index.h"
#include "storage/record_stage.h"
#include "storage/store.h"
#include "storage/store_layout.h"

namespace dancu::storage {

namespace {
constexpr size_t kRecordsPerBatch = 10'000;  // bounds the batch's memory on a large store
}  // namespace

Status Store::IndexPersonBlocksIfMissing() {
  auto done = GetMeta(layout::kPersonBlocksKey);
  if (!done.ok()) return done.status();
  if (done->has_value() || options_.read_only) return Status::Ok();
  rocksdb::WriteBatch batch;
  if (!options_.hub) {  // a commune keeps no duplicate blocks (IndexEntriesFor)
    batch.Put(cf_->meta, layout::kPersonBlocksKey, "1");
    return WriteDurably(batch, "noting the duplicate blocks");
  }
  size_t records = 0;
  Status failure;
  DANCU_RETURN_IF_ERROR(ScanRecords([&](std::string_view id, std::string_view bytes) {
    auto state = Parsed<schema::RecordState>::Parse(bytes, "record " + std::string(id));
    if (!state.ok()) {
      failure = state.status();
      return false;
    }
    if (IsFragment(state->get())) return true;
    for (const IndexEntry& e : IndexEntriesFor(state->get().getResident(), /*person_blocks=*/true)) {
      if (e.key[0] == static_cast<char>(IndexKind::kPersonBlock)) batch.Put(cf_->index, e.key, e.value);
    }
    if (++records % kRecordsPerBatch == 0) {
      failure = WriteDurably(batch, "indexing the duplicate blocks");
      batch.Clear();
    }
    return failure.ok();
  }));
  DANCU_RETURN_IF_ERROR(failure);
  batch.Put(cf_->meta, layout::kPersonBlocksKey, "1");
  return WriteDurably(batch, "indexing the duplicate blocks");
}

}  // namespace dancu::storage
