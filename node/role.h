// Node roles and their order in the administrative tree.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "node/identity.capnp.h"

namespace dancu::node {

std::string RoleName(schema::Role role);               // "commune", "district", ...
std::optional<schema::Role> ParseRole(std::string_view name);
// True if a node of role `parent` may certify a node of role `child`: a higher level certifies a
// lower one (after the 2025 reform a province certifies communes directly).
bool MayCertify(schema::Role parent, schema::Role child);
// True for a district, province or central node: a hub, whose operators decide the review queue
// (storage/officer_role.h).
bool IsHub(schema::Role role);

}  // namespace dancu::node
