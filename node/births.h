// Births: a newborn registered offline, with a citizen number from the node's leased block
// (node/leases.h). `dancu resident birth` and the console's POST /api/births share it.
//
// A birth is a create whose values name the sex and the birth date (the number encodes both) and
// leave citizen_no out: the number is issued here. The serial is consumed durably before the
// number is returned, so a birth refused afterwards leaves a gap in the block, never a reuse.
//
// Thread-safe as node/leases.h. Errors: CheckBirthValues reports per field; AssignBirthCitizenNo
// returns FailedPrecondition when the node holds no serial of its province (it must sync with its
// parent, which leases it a block), IOError from the store.
#pragma once

#include <nlohmann/json.hpp>

#include "node/node.h"
#include "storage/validation.h"

namespace dancu::node {

// What keeps `values` (a resident's JSON, storage/record_json.h) from being a birth: a
// citizen_no given, sex not male or female, no birth_date with a year.
storage::FieldErrors CheckBirthValues(const nlohmann::json& values);

// Sets values["citizen_no"] to the next number of this node's leases. `values` must pass
// CheckBirthValues.
Status AssignBirthCitizenNo(Node& node, nlohmann::json& values);

}  // namespace dancu::node
