// Authority: a node may change only the records homed in its own part of the tree.
//
// A commune node holds authority over records whose home unit is its commune; a district or
// province over the units below it (in the 2023 tree or the 2025 tree); central over all. A change
// to an existing record needs authority over the record as it was: a move may hand the record to a
// unit elsewhere, after which its new home's nodes hold it. A new record must be homed inside.
//
// Thread-safe (reads the immutable unit registry).
#pragma once

#include <string>
#include <string_view>

#include "node/node_config.h"
#include "storage/store.h"

namespace dancu::node {

// Whether `unit` lies in the part of the tree that a node serving `node_unit` with `role` covers.
bool Covers(schema::Role role, std::string_view node_unit, std::string_view unit);

// The check Node::Append gives the store.
storage::RecordCheck AuthorityCheck(const NodeConfig& config);

}  // namespace dancu::node
