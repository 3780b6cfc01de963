// The quarantine: runs of changes refused on arrival (bad proof or signature, equivocation, a revoked
// origin, a change outside its origin's authority, an undecodable segment), kept for audit by
// ingest (storage/ingest.capnp QuarantinedRun), as `dancu quarantine list` and the console show
// them: [{origin, first_seq, last_seq, reason, source, received_at_ms, entries}], an unreadable
// entry as {unreadable: reason}.
//
// A pure read of the store; thread-safe as the Store. Errors: the store's.
#pragma once

#include <nlohmann/json.hpp>

#include "storage/status.h"
#include "storage/store.h"

namespace dancu::node {

Result<nlohmann::json> ListQuarantine(const storage::Store& store);

}  // namespace dancu::node
