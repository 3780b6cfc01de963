// The fold of changes into a record's state.
//
// Each field of a record holds the value of the change that last set it, where "last" is the
// largest (hlc, origin, seq) among the changes that set the field. That order is total and does not
// depend on arrival, so any set of changes folds to byte-identical state in any order: the property
// on which replay, verification and (later) replication rest. The losing value of a concurrent edit
// is not lost: it stays in the change log.
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "storage/change.capnp.h"
#include "storage/status.h"

namespace dancu::storage {

// Returns the canonical bytes of the RecordState after `change`. `current` is the state before it,
// or null for a record not seen yet. The change must have passed CheckChangeShape.
std::string FoldChange(const schema::RecordState::Reader* current, schema::Change::Reader change);

// Checks what the fold relies on: a record id, origin and seq present, field ordinals strictly
// ascending and naming settable Resident fields (not the id), and no value in a field the change
// does not list. Corruption naming the defect.
Status CheckChangeShape(schema::Change::Reader change);

}  // namespace dancu::storage
