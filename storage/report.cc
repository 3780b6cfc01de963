#include "storage/report.h"

namespace dancu::storage {

namespace {
Result<Report> Summed(Result<UnitTallies> units) {
  if (!units.ok()) return units.status();
  Report report;
  report.units = std::move(*units);
  for (const auto& [unit, tally] : report.units) report.total.Add(tally);
  return report;
}
}  // namespace

Result<Report> BuildReport(const Store& store) { return Summed(store.Tallies()); }

Result<Report> RecountReport(const Store& store) { return Summed(store.RecountTallies()); }

}  // namespace dancu::storage
