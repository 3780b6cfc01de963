// The rules about enrollment that every change appended on a node must pass, as one
// storage::RecordCheck that Node::Append applies beside the authority check:
//
//   summary   a change that alters the biometrics summary leaves it consistent: a finger enrolled
//             or under review names its sealed blob by a 32-byte hash, a finger with no template
//             (none, missing, unreadable) names none; statuses and the photo's format are values
//             the schema knows; a photo has its hash and dimensions within node/photo.h's limits.
//   CCCD      a change that puts an existing record's card.status to `applied` (an application
//             taken on this record) needs a clean record (storage/validation.h), a living
//             resident, a photo, and each index finger enrolled or recorded as missing or
//             unreadable. Records created with a card already (imports of earlier applications)
//             are not applications taken here and are exempt.
//
// Each broken rule is one FieldError naming the field: "biometrics.photo", "biometrics.left_index",
// "card.status" (with the completeness gap), "status". Thread-safe: a pure function.
#pragma once

#include "storage/store.h"

namespace dancu::node {

storage::RecordCheck EnrollmentRules();

}  // namespace dancu::node
