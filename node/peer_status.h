// Peer status: what this node knows of each node it exchanges changes with — its parent, every
// child it certified (also one that has never synced), the children and peers whose links the
// replicator runs, and every node it has synced or swapped bundles with — for the console's sync
// screen.
//
// The backlog of a peer is the number of changes this node holds, of the origins in the peer's
// scope (node/session_host.h), beyond the last version vector known of the peer
// (node/bundles.h KnownVector): what the next session or bundle would send it, counted from what
// the peer was last known to hold. For the parent these are the changes waiting to go up.
//
// Reads the store, the directory and the version vectors; a child's scope is read from the
// store's unit-origins index (node/session_host.h). Thread-safe as the Node. Errors: IOError
// from the store; a peer whose scope cannot be computed carries the reason in `backlog_error`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/node.h"
#include "node/replicator.h"

namespace dancu::node {

struct PeerStatus {
  uint64_t node_id = 0;
  bool is_parent = false;
  std::optional<schema::Role> role;   // from its certificate, when the directory holds it
  std::string unit;
  std::optional<LinkStatus> link;     // when a replicator runs a link with it
  bool vector_known = false;          // a session or bundle told what it holds
  uint64_t backlog_changes = 0;       // see the file comment
  uint64_t backlog_origins = 0;
  std::string backlog_error;          // why no backlog could be computed; empty otherwise
};

// Every peer: the parent first (when certified), then the others by node id. `links` is what the
// replicator reports (Replicator::Links), empty without one.
Result<std::vector<PeerStatus>> PeerStatuses(Node& node, const std::vector<LinkStatus>& links, uint64_t now_ms);

}  // namespace dancu::node
