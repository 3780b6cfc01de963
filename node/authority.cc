#include "node/authority.h"

#include "storage/units.h"

namespace dancu::node {

namespace {
// Whether `ancestor` is `unit` or encloses it in `era`.
bool Encloses(std::string_view ancestor, std::string_view unit, storage::Era era) {
  const auto& units = storage::UnitRegistry::Get();
  for (const storage::Unit* u = units.Find(unit, era); u != nullptr;
       u = u->parent.empty() ? nullptr : units.Find(u->parent, era)) {
    if (u->code == ancestor) return true;
  }
  return false;
}
}  // namespace

bool Covers(schema::Role role, std::string_view node_unit, std::string_view unit) {
  if (role == schema::Role::CENTRAL) return true;
  if (unit == node_unit) return true;
  return Encloses(node_unit, unit, storage::Era::k2023) || Encloses(node_unit, unit, storage::Era::k2025);
}

storage::RecordCheck AuthorityCheck(const NodeConfig& config) {
  return [config](const schema::Resident::Reader* before, schema::Resident::Reader after) {
    std::vector<storage::FieldError> errors;
    std::string_view home = before ? before->getHomeUnit().cStr() : after.getHomeUnit().cStr();
    if (!Covers(config.role, config.unit, home)) {
      errors.push_back({"home_unit", before ? "the record is homed in unit " + std::string(home) +
                                                  ", outside this node's unit " + config.unit
                                            : "unit " + std::string(home) + " is outside this node's unit " +
                                                  config.unit});
    }
    return errors;
  };
}

}  // namespace dancu::node
