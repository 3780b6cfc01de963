// The store's unit-origins index (storage/unit_origins.h): read, recounted, and recounted on open
// when stale.
#include "storage/canonical.h"
#include "storage/store.h"
#include "storage/store_layout.h"

namespace dancu::storage {

namespace {
Status Unreadable(std::string_view key) {
  return Status::Corruption("unit-origin row " + std::string(key.substr(layout::kUnitOriginPrefix.size())) +
                            " does not decode");
}
}  // namespace

Result<std::set<uint64_t>> Store::OriginsUnder(std::string_view unit) const {
  std::set<uint64_t> out;
  if (recounted_origins_) {
    for (const auto& [row, count] : *recounted_origins_) {
      if (row.first == unit) out.insert(row.second);
    }
    return out;
  }
  Status failure;
  DANCU_RETURN_IF_ERROR(ScanMeta(layout::UnitOriginPrefix(unit), [&](std::string_view key, std::string_view) {
    std::string row_unit;
    uint64_t origin = 0;
    if (!layout::ParseUnitOriginKey(key, &row_unit, &origin)) {
      failure = Unreadable(key);
      return false;
    }
    out.insert(origin);
    return true;
  }));
  DANCU_RETURN_IF_ERROR(failure);
  return out;
}

Result<UnitOrigins> Store::KeptUnitOrigins() const {
  if (recounted_origins_) return *recounted_origins_;
  UnitOrigins out;
  Status failure;
  DANCU_RETURN_IF_ERROR(ScanMeta(layout::kUnitOriginPrefix, [&](std::string_view key, std::string_view value) {
    std::string unit;
    uint64_t origin = 0, count = 0;
    if (!layout::ParseUnitOriginKey(key, &unit, &origin) || !layout::DecodeU64(value, &count)) {
      failure = Unreadable(key);
      return false;
    }
    out[{std::move(unit), origin}] = static_cast<int64_t>(count);
    return true;
  }));
  DANCU_RETURN_IF_ERROR(failure);
  return out;
}

Result<UnitOrigins> Store::RecountUnitOrigins() const {
  UnitOrigins out;
  DANCU_RETURN_IF_ERROR(
      ScanRecordStates([&](schema::RecordState::Reader state) { AddUnitOrigins(state, 1, out); }));
  return out;
}

Status Store::CountUnitOriginsIfStale() {
  auto current = DerivedRowsCurrent(layout::kUnitOriginFormatKey, layout::kUnitOriginFormat);
  if (!current.ok()) return current.status();
  if (*current) return Status::Ok();
  auto counted = RecountUnitOrigins();
  if (!counted.ok()) return counted.status();
  if (options_.read_only) {
    recounted_origins_ = std::move(counted.value());
    return Status::Ok();
  }
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& [row, count] : *counted) {
    rows.emplace_back(layout::UnitOriginKey(row.first, row.second), layout::EncodeU64(static_cast<uint64_t>(count)));
  }
  return ReplaceDerivedRows(layout::kUnitOriginPrefix, rows, layout::kUnitOriginFormatKey, layout::kUnitOriginFormat,
                            "indexing the origins of each unit's records");
}

}  // namespace dancu::storage
