#include "storage/units.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <tuple>

#include "storage/reference/embedded.h"

namespace dancu::storage {

namespace {

[[noreturn]] void Corrupt(std::string_view file, std::string_view where, std::string_view what) {
  std::fprintf(stderr, "dancu: compiled-in reference data %.*s is malformed at %.*s: %.*s\n",
               static_cast<int>(file.size()), file.data(), static_cast<int>(where.size()),
               where.data(), static_cast<int>(what.size()), what.data());
  std::abort();
}

// Calls fn(fields, where) for every data row of `tsv` (lines starting with '#' are comments),
// split at tabs into exactly N fields; `where` names the line for error messages.
template <size_t N, typename Fn>
void ForEachRow(std::string_view tsv, std::string_view file, Fn fn) {
  size_t line_number = 0;
  while (!tsv.empty()) {
    const size_t end = std::min(tsv.find('\n'), tsv.size());
    std::string_view line = tsv.substr(0, end);
    tsv.remove_prefix(std::min(end + 1, tsv.size()));
    const std::string where = "line " + std::to_string(++line_number);
    if (line.empty() || line[0] == '#') continue;
    std::array<std::string_view, N> fields;
    for (size_t i = 0; i < N; ++i) {
      const size_t tab = line.find('\t');
      const bool last = i + 1 == N;
      if ((tab == std::string_view::npos) != last) Corrupt(file, where, "wrong number of fields");
      fields[i] = line.substr(0, tab);
      line.remove_prefix(last ? line.size() : tab + 1);
    }
    fn(fields, where);
  }
}

bool ByCode(const Unit& a, const Unit& b) { return a.code < b.code; }

// Orders units, or merges by old code, against a bare code (for binary searches).
struct CodeLess {
  bool operator()(const Unit& a, std::string_view code) const { return a.code < code; }
  bool operator()(const UnitMerge& a, std::string_view code) const { return a.old_code < code; }
  bool operator()(std::string_view code, const UnitMerge& a) const { return code < a.old_code; }
};

}  // namespace

struct UnitRegistry::Table {
  std::vector<Unit> units;                         // sorted by code
  std::vector<std::vector<const Unit*>> communes;  // communes[i]: the communes under units[i]

  Table(Era era, std::string_view tsv, std::string_view file);

  const Unit* Find(std::string_view code) const {
    auto it = std::lower_bound(units.begin(), units.end(), code, CodeLess());
    return it != units.end() && it->code == code ? &*it : nullptr;
  }
  const Unit* Parent(const Unit& unit) const { return Find(unit.parent); }
  size_t IndexOf(const Unit* unit) const { return static_cast<size_t>(unit - units.data()); }
};

UnitRegistry::Table::Table(Era era, std::string_view tsv, std::string_view file) {
  using Row = std::array<std::string_view, 4>;
  ForEachRow<4>(tsv, file, [&](const Row& row, const std::string& where) {
    static constexpr std::array<std::string_view, 3> kLevels = {"province", "district", "commune"};
    const auto level = std::find(kLevels.begin(), kLevels.end(), row[1]);
    if (level == kLevels.end()) Corrupt(file, where, "unknown level");
    units.push_back({era, static_cast<UnitLevel>(level - kLevels.begin()), row[0], row[2], row[3]});
  });
  std::sort(units.begin(), units.end(), ByCode);
  communes.resize(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    const Unit& unit = units[i];
    const std::string where = "code " + std::string(unit.code);
    if (i > 0 && units[i - 1].code == unit.code) Corrupt(file, where, "duplicate code");
    if ((unit.level == UnitLevel::kProvince) != unit.parent.empty()) {
      Corrupt(file, where, "a unit has no parent if and only if it is a province");
    }
    if (!unit.parent.empty() && Parent(unit) == nullptr) Corrupt(file, where, "unknown parent");
    for (const Unit *child = &unit, *p = Parent(unit); p != nullptr; child = p, p = Parent(*p)) {
      if (p->level >= child->level) Corrupt(file, where, "parent is not of a higher level");
      if (unit.level == UnitLevel::kCommune) communes[IndexOf(p)].push_back(&unit);
    }
  }
}

const UnitRegistry& UnitRegistry::Get() {
  static const UnitRegistry registry;
  return registry;
}

UnitRegistry::UnitRegistry()
    : units_2023_(std::make_unique<Table>(Era::k2023, reference::kUnits2023Tsv, "units_2023.tsv")),
      units_2025_(std::make_unique<Table>(Era::k2025, reference::kUnits2025Tsv, "units_2025.tsv")) {
  constexpr std::string_view kFile = "merges_2025.tsv";
  ForEachRow<3>(reference::kMerges2025Tsv, kFile,
                [&](const std::array<std::string_view, 3>& row, const std::string& where) {
                  const Unit* successor = units_2025_->Find(row[0]);
                  if (successor == nullptr) Corrupt(kFile, where, "unknown 2025 unit");
                  if (row[2] != "full" && row[2] != "partial") Corrupt(kFile, where, "bad kind");
                  merges_.push_back({row[1], successor, row[2] == "full"});
                });
  std::sort(merges_.begin(), merges_.end(), [](const UnitMerge& a, const UnitMerge& b) {
    return std::tie(a.old_code, a.successor->code) < std::tie(b.old_code, b.successor->code);
  });
}

UnitRegistry::~UnitRegistry() = default;

const UnitRegistry::Table& UnitRegistry::TableOf(Era era) const {
  return era == Era::k2023 ? *units_2023_ : *units_2025_;
}

std::span<const Unit> UnitRegistry::Units(Era era) const { return TableOf(era).units; }

const Unit* UnitRegistry::Find(std::string_view code, Era era) const {
  return TableOf(era).Find(code);
}

bool UnitRegistry::Exists(std::string_view code) const {
  return units_2023_->Find(code) != nullptr || units_2025_->Find(code) != nullptr;
}

const Unit* UnitRegistry::ProvinceOf(std::string_view code, Era era) const {
  const Table& table = TableOf(era);
  const Unit* unit = table.Find(code);
  while (unit != nullptr && unit->level != UnitLevel::kProvince) unit = table.Parent(*unit);
  return unit;
}

std::vector<std::string_view> UnitRegistry::Enclosing(std::string_view code) const {
  std::vector<std::string_view> out{code};
  for (const Table* table : {units_2023_.get(), units_2025_.get()}) {
    const Unit* unit = table->Find(code);
    if (unit != nullptr) out.front() = unit->code;  // a view that lives as long as the program
    for (unit = unit == nullptr ? nullptr : table->Parent(*unit); unit != nullptr; unit = table->Parent(*unit)) {
      if (std::find(out.begin(), out.end(), unit->code) == out.end()) out.push_back(unit->code);
    }
  }
  return out;
}

std::span<const Unit* const> UnitRegistry::Communes(std::string_view code, Era era) const {
  const Table& table = TableOf(era);
  const Unit* unit = table.Find(code);
  if (unit == nullptr) return {};
  return table.communes[table.IndexOf(unit)];
}

std::span<const UnitMerge> UnitRegistry::Successors(std::string_view old_code) const {
  auto [first, last] = std::equal_range(merges_.begin(), merges_.end(), old_code, CodeLess());
  return {first, last};
}

bool UnitRegistry::IsCitizenProvinceCode(std::string_view code) const {
  if (code.size() != 3 || code[0] != '0') return false;
  const Unit* province = units_2023_->Find(code.substr(1));
  return province != nullptr && province->level == UnitLevel::kProvince;
}

}  // namespace dancu::storage
