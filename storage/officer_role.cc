#include "storage/officer_role.h"

namespace dancu::storage {

using schema::OfficerRole;

std::string OfficerRoleName(OfficerRole role) {
  switch (role) {
    case OfficerRole::CLERK: return "clerk";
    case OfficerRole::CHIEF: return "chief";
    case OfficerRole::OPERATOR: return "operator";
    case OfficerRole::UNSPECIFIED: return "unspecified";
    default: return "unknown role " + std::to_string(static_cast<int>(role));
  }
}

std::optional<OfficerRole> ParseOfficerRole(std::string_view name) {
  for (OfficerRole role : {OfficerRole::CLERK, OfficerRole::CHIEF, OfficerRole::OPERATOR}) {
    if (name == OfficerRoleName(role)) return role;
  }
  return std::nullopt;
}

bool RoleExistsOn(OfficerRole role, bool hub) {
  return role == OfficerRole::CLERK || role == (hub ? OfficerRole::OPERATOR : OfficerRole::CHIEF);
}

bool MayDecide(OfficerRole role, bool hub) { return hub && role == OfficerRole::OPERATOR; }

bool MayMerge(OfficerRole role, bool hub) { return MayDecide(role, hub) || (!hub && role == OfficerRole::CHIEF); }

Status CheckOfficerRole(std::string_view officer, OfficerRole role, schema::Operation operation, bool hub) {
  const std::string who = "officer " + std::string(officer) + " (" + OfficerRoleName(role) + ")";
  if (role != OfficerRole::UNSPECIFIED && !RoleExistsOn(role, hub)) {
    return Status::PermissionDenied(who + ": no such role on a " + (hub ? "hub" : "commune") + " node");
  }
  if (operation == schema::Operation::MERGE_DUPLICATE && !MayMerge(role, hub)) {
    return Status::PermissionDenied(who + " may not merge duplicates: a commune's chief or a hub's or central's operator decides");
  }
  if (operation == schema::Operation::MARK_DISTINCT && !MayMerge(role, hub)) {
    return Status::PermissionDenied(who + " may not mark records as distinct people: a commune's chief or a hub's or central's operator decides");
  }
  return Status::Ok();
}

Status CheckOfficerRole(schema::Change::Reader change, bool hub) {
  return CheckOfficerRole(change.getOfficer().cStr(), change.getOfficerRole(), change.getOperation(), hub);
}

}  // namespace dancu::storage
