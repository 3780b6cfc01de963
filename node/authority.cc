#include "node/authority.h"

#include <algorithm>

#include "storage/units.h"

namespace dancu::node {

bool Covers(schema::Role role, std::string_view node_unit, std::string_view unit) {
  if (role == schema::Role::CENTRAL) return true;
  const auto enclosing = storage::UnitRegistry::Get().Enclosing(unit);
  return std::find(enclosing.begin(), enclosing.end(), node_unit) != enclosing.end();
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
