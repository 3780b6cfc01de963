#include "storage/unit_origins.h"

#include "storage/units.h"

namespace dancu::storage {

void AddUnitOrigins(schema::RecordState::Reader state, int64_t sign, UnitOrigins& into) {
  std::string_view home = state.getResident().getHomeUnit().cStr();
  if (home.empty()) return;
  for (std::string_view unit : UnitRegistry::Get().Enclosing(home)) {
    for (auto version : state.getVersions()) {
      auto it = into.try_emplace({std::string(unit), version.getOrigin()}, 0).first;
      it->second += sign;
      if (it->second == 0) into.erase(it);
    }
  }
}

}  // namespace dancu::storage
