// Which origins changed the records homed in each unit: the index behind a hub's scope rule (c)
// (node/session_host.h), so that finding what a child's session needs reads the child's rows, not
// every record.
//
// Each record a node holds (whole, fragment or merged tombstone: every record a scan would see)
// that has a home unit counts once for each origin among its versions, under its home unit and
// under every unit enclosing it in either era (UnitRegistry::Enclosing). So the origins that
// changed a record homed anywhere in unit X's part of the tree are the rows under X, and a record's
// contribution, a function of its state alone, is taken back exactly when it changes or moves. The
// store keeps the counts in every change's batch (RecordStage), as it keeps the unit counters
// (storage/unit_tally.h), and a recount over the records gives the same rows.
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "storage/change.capnp.h"

namespace dancu::storage {

// (unit code, origin) -> number of records homed in or under the unit that the origin changed.
using UnitOrigins = std::map<std::pair<std::string, uint64_t>, int64_t>;

// Adds `sign` times the record's contribution to `into`, dropping rows that reach 0.
void AddUnitOrigins(schema::RecordState::Reader state, int64_t sign, UnitOrigins& into);

}  // namespace dancu::storage
