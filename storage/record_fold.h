// The fold of changes into a record's state.
//
// Each field of a record holds the value of the change that last set it, where "last" is the
// largest (hlc, origin, seq) among the changes that set the field — except that the death fields
// set by a recordDeath operation outrank plain updates (death is sticky). That order is total and does not
// depend on arrival, so any set of changes folds to byte-identical state in any order: the property
// on which replay, verification and (later) replication rest. The losing value of a concurrent edit
// is not lost: it stays in the change log.
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/change.capnp.h"
#include "storage/status.h"

namespace dancu::storage {

// Returns the canonical bytes of the RecordState after `change`. `current` is the state before it,
// or null for a record not seen yet. The change must have passed CheckChangeShape.
std::string FoldChange(const schema::RecordState::Reader* current, schema::Change::Reader change);

// Whether the author of `change` had seen version (origin, seq) of the record: the change itself,
// its origin's earlier changes, and what its basedOn covers.
bool ChangeSaw(schema::Change::Reader change, uint64_t origin, uint64_t seq);

// Whether the state lacks the record's creation: it holds only changes that reached this node from
// an ancestor before the record itself did, or without it (Store::Ingest). Such a fragment is kept
// for the fold but is no resident here: not indexed, searched or counted.
bool IsFragment(schema::RecordState::Reader state);

// The home unit the change's author saw the record in: the latest home within the change's causal
// context (its basedOn, and its origin's earlier changes). Empty if the author saw none. With the
// change's dependencies held, this is the same on every node whatever the arrival order.
std::string HomeSeenBy(schema::RecordState::Reader state, schema::Change::Reader change);

// A field that `change` sets and whose current value was written by a change its author had not
// seen: the two edits are concurrent, and the fold keeps one, deterministically.
struct ConcurrentEdit {
  uint16_t field;
  struct {
    uint64_t origin, seq, hlc;
  } current;  // the writer of the current value
};
std::vector<ConcurrentEdit> ConcurrentEdits(schema::RecordState::Reader state, schema::Change::Reader change);

// Checks what the fold relies on: a record id, origin and seq present, field ordinals strictly
// ascending and naming settable Resident fields (not the id), and no value in a field the change
// does not list. Corruption naming the defect.
Status CheckChangeShape(schema::Change::Reader change);

}  // namespace dancu::storage
