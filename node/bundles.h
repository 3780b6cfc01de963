// Bundles for a node (replication/bundle.h): the file for a peer known to the directory, its
// import, and the last version vector known of each peer, kept in the store's metadata
// ("peer/<node hex>/vv"), raised when a session with the peer syncs (NodeSessionHost::PeerHolds)
// and when a bundle from it is imported.
//
// Thread-safety as the Node's. Errors: NotFound for a recipient the directory does not know,
// FailedPrecondition without a signing key or certificate; the rest as replication/bundle.h.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "node/node.h"
#include "replication/bundle.h"

namespace dancu::node {

// The last vector known of `peer`; empty if none.
Result<storage::VersionVector> KnownVector(const storage::Store& store, uint64_t peer);
// Raises the vector known of `peer` to at least `versions`, origin by origin, except that the
// peer's own origin takes the value stated (it may have lost writes and be recovering them).
// Durable on return.
Status RecordPeerHolds(storage::Store& store, uint64_t peer, const storage::VersionVector& versions);

struct BundleExport {
  replication::BuiltBundle built;
  uint64_t recipient = 0;
  storage::VersionVector base;  // what the recipient was known to hold
};

// The bundle for node `recipient` (see the file comment). Needs the node opened with its key.
Result<BundleExport> ExportBundle(Node& node, uint64_t recipient, uint64_t now_ms,
                                  const std::function<void(std::string_view)>& log,
                                  replication::BundleOptions options = {});

// Verifies and imports the bundle file `file` (replication::ImportBundle); `source` names it in
// the quarantine.
Result<replication::BundleImport> ImportBundle(Node& node, std::string_view file, const std::string& source,
                                               uint64_t now_ms, const std::function<void(std::string_view)>& log);

}  // namespace dancu::node
