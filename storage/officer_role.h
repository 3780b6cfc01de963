// Officer roles as the change log carries them, and what each allows a change to do.
//
// Every change carries its officer's role on the node that made it (Change.officerRole), signed
// with it, so any receiver can judge it without the author's officer table. The rules, judged from
// the change alone and whether its origin is a commune or a hub (district, province, central):
//   - a role exists on its kind of node only: clerk anywhere, chief at communes, operator at hubs
//     (and central); entries written before roles carry `unspecified`, readable, deciding nothing;
//   - a review decision (settling a concurrent edit of an identity, death, household or residence
//     field) is for a hub's or central's operator only. Authority over the record (store.h
//     OriginTrust::covers) already confines a hub to records homed in its subtree, so this is the
//     record's home hub or one above it, as far as central;
//   - a mergeDuplicate is for such an operator, or for a commune's chief: authority confines a
//     commune to records homed in its own unit, so a chief merges a resident registered twice in
//     the commune and nothing else. A markDistinct (a likely duplicate judged another person) is
//     theirs alike.
// A commune's chief decides no review: every review conflict pairs a change of another node with
// one of the commune, and the design leaves the review queue to operators.
//
// Pure functions; thread-safe. Errors: PermissionDenied naming the role and what it may not do.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/change.capnp.h"
#include "storage/status.h"

namespace dancu::storage {

std::string OfficerRoleName(schema::OfficerRole role);  // "clerk", "chief", "operator", "unspecified"
std::optional<schema::OfficerRole> ParseOfficerRole(std::string_view name);  // not "unspecified"

// Whether `role` exists on a node of that kind (unspecified does not).
bool RoleExistsOn(schema::OfficerRole role, bool hub);
// Whether an officer of `role` on a node of that kind decides the review queue.
bool MayDecide(schema::OfficerRole role, bool hub);
// Whether an officer of `role` on a node of that kind merges duplicate records.
bool MayMerge(schema::OfficerRole role, bool hub);

// Whether an officer's change of `operation`, authored by a node of that kind, is one the
// officer's role allows; the second form judges a signed change.
Status CheckOfficerRole(std::string_view officer, schema::OfficerRole role, schema::Operation operation, bool hub);
Status CheckOfficerRole(schema::Change::Reader change, bool hub);

}  // namespace dancu::storage
