#include "tools/gen/geography.h"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>

namespace dancu::tools::gen {

namespace {

using storage::Era;
using storage::Unit;
using storage::UnitLevel;
using storage::UnitMerge;
using storage::UnitRegistry;

bool IsCommune(const Unit* unit) { return unit != nullptr && unit->level == UnitLevel::kCommune; }

// The era in which `code` names a commune, preferring the era in force on `today`.
std::optional<Era> EraOfCommune(std::string_view code, storage::PartialDateValue today) {
  const bool reformed = std::tie(today.year, today.month, today.day) >=
                        std::make_tuple(uint16_t{2025}, uint8_t{7}, uint8_t{1});
  const Era current = reformed ? Era::k2025 : Era::k2023;
  const Era other = reformed ? Era::k2023 : Era::k2025;
  for (Era era : {current, other}) {
    if (IsCommune(UnitRegistry::Get().Find(code, era))) return era;
  }
  return std::nullopt;
}

// For every unit of `era` (indexed as in Units(era)), the code of the 2023 province whose citizen
// numbers its births get; see geography.h for the 2025 units.
std::vector<std::string_view> CitizenProvinces(Era era) {
  const UnitRegistry& registry = UnitRegistry::Get();
  const std::span<const Unit> units = registry.Units(era);
  std::vector<std::string_view> provinces(units.size());
  if (era == Era::k2023) {
    for (size_t i = 0; i < units.size(); ++i) {
      provinces[i] = registry.ProvinceOf(units[i].code, era)->code;
    }
    return provinces;
  }
  // The first 2023 predecessor of each 2025 unit: communes (and island districts) for communes,
  // provinces for provinces.
  for (const Unit& old : registry.Units(Era::k2023)) {
    for (const UnitMerge& merge : registry.Successors(old.code)) {
      std::string_view& province = provinces[static_cast<size_t>(merge.successor - units.data())];
      if (province.empty()) province = registry.ProvinceOf(old.code, Era::k2023)->code;
    }
  }
  for (size_t i = 0; i < units.size(); ++i) {
    if (!provinces[i].empty()) continue;
    const Unit* province = registry.ProvinceOf(units[i].code, era);
    provinces[i] = provinces[static_cast<size_t>(province - units.data())];
  }
  return provinces;
}

}  // namespace

Result<Geography> Geography::ForCommune(std::string_view commune_code,
                                        storage::PartialDateValue today) {
  const std::optional<Era> era = EraOfCommune(commune_code, today);
  if (!era) {
    return Status::InvalidArgument("unit " + std::string(commune_code) +
                                   " is not a commune in the 2023 or 2025 reference data");
  }
  const std::span<const Unit> units = UnitRegistry::Get().Units(*era);
  const std::vector<std::string_view> provinces = CitizenProvinces(*era);
  std::vector<Locality> localities;
  size_t home = 0;
  for (size_t i = 0; i < units.size(); ++i) {
    if (units[i].level != UnitLevel::kCommune) continue;
    if (units[i].code == commune_code) home = localities.size();
    localities.push_back({&units[i], provinces[i]});
  }
  return Geography(*era, std::move(localities), home);
}

Geography::Geography(Era era, std::vector<Locality> localities, size_t home)
    : era_(era), localities_(std::move(localities)), home_(home) {}

const Unit* Geography::ProvinceOf(const Locality& where) const {
  return UnitRegistry::Get().ProvinceOf(where.commune->code, era_);
}

const Locality& Geography::Find(std::string_view code) const {
  return *std::lower_bound(
      localities_.begin(), localities_.end(), code,
      [](const Locality& locality, std::string_view c) { return locality.commune->code < c; });
}

const Locality& Geography::NearTo(const Locality& where, Random& random) const {
  const auto communes = UnitRegistry::Get().Communes(ProvinceOf(where)->code, era_);
  return Find(random.Pick(communes)->code);
}

const Locality& Geography::Elsewhere(Random& random) const {
  const Unit* home_province = ProvinceOf(home());
  for (;;) {
    const Locality& candidate = random.Pick(std::span<const Locality>(localities_));
    if (ProvinceOf(candidate) != home_province) return candidate;
  }
}

}  // namespace dancu::tools::gen
