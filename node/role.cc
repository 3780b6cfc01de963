#include "node/role.h"

namespace dancu::node {

std::string RoleName(schema::Role role) {
  switch (role) {
    case schema::Role::COMMUNE: return "commune";
    case schema::Role::DISTRICT: return "district";
    case schema::Role::PROVINCE: return "province";
    case schema::Role::CENTRAL: return "central";
  }
  return "unknown";
}

std::optional<schema::Role> ParseRole(std::string_view name) {
  for (auto role : {schema::Role::COMMUNE, schema::Role::DISTRICT, schema::Role::PROVINCE,
                    schema::Role::CENTRAL}) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

bool MayCertify(schema::Role parent, schema::Role child) {
  return static_cast<int>(parent) > static_cast<int>(child);
}

bool IsHub(schema::Role role) { return role != schema::Role::COMMUNE; }

}  // namespace dancu::node
