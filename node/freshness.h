// Freshness: how current a node's data is, for the answers it gives agencies
// (docs/agency-verification.md). A node's data is as of its last completed session with its
// parent, which the session host records (node/session_host.h); central's is always current.
//
// Thread-safe as the Store. Errors: IOError from the store; Corruption for a malformed row.
#pragma once

#include <cstdint>

#include "node/node.h"

namespace dancu::node {

// Records that a session with the parent completed at `now_ms` (durable on return).
Status RecordParentSync(storage::Store& store, uint64_t now_ms);

// The time (ms since the Unix epoch) the node's data is as of: `now_ms` at central, the last
// completed sync with the parent elsewhere, 0 if it never synced.
Result<uint64_t> DataAsOf(const Node& node, uint64_t now_ms);

}  // namespace dancu::node
