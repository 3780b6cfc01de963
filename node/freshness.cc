#include "node/freshness.h"

#include "storage/store_layout.h"

namespace dancu::node {

namespace {
constexpr std::string_view kParentSyncKey = "fresh/parent-synced-ms";
}  // namespace

Status RecordParentSync(storage::Store& store, uint64_t now_ms) {
  return store.PutMeta(kParentSyncKey, storage::layout::EncodeU64(now_ms));
}

Result<uint64_t> DataAsOf(const Node& node, uint64_t now_ms) {
  if (node.config().role == schema::Role::CENTRAL) return now_ms;
  auto row = node.store().GetMeta(kParentSyncKey);
  if (!row.ok()) return row.status();
  uint64_t at = 0;
  if (row->has_value() && !storage::layout::DecodeU64(**row, &at)) {
    return Status::Corruption("the stored time of the last sync with the parent is not 8 bytes");
  }
  return at;
}

}  // namespace dancu::node
