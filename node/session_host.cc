#include "node/session_host.h"

#include <algorithm>

#include "node/authority.h"
#include "node/bundles.h"
#include "storage/canonical.h"

namespace dancu::node {

replication::PeerIdentity IdentityOf(const VerifiedChain& chain) {
  replication::PeerIdentity id;
  id.node_id = chain.leaf_node_id;
  id.role = static_cast<uint16_t>(chain.leaf_role);
  id.unit = chain.leaf_unit;
  id.lineage = chain.lineage;
  id.curve_key = chain.leaf_curve_key;
  return id;
}

NodeSessionHost::NodeSessionHost(Node& node, std::function<void(std::string_view)> log, Clock clock)
    : node_(node), log_(std::move(log)), clock_(std::move(clock)) {}

replication::HelloInfo NodeSessionHost::Hello() {
  replication::HelloInfo hello;
  hello.node_id = node_.config().node_id;
  hello.role = static_cast<uint16_t>(node_.config().role);
  hello.unit = node_.config().unit;
  auto chain = node_.OwnChain();
  if (chain.ok()) hello.certificate_chain = *chain;
  return hello;
}

Result<replication::PeerIdentity> NodeSessionHost::AcceptChain(std::string_view chain) {
  auto verified = node_.directory().AddChain(chain, clock_());
  if (!verified.ok()) return verified.status();
  return IdentityOf(*verified);
}

Status NodeSessionHost::AcceptRevocation(std::string_view revocation) {
  auto added = node_.directory().AddRevocation(revocation);
  return added.ok() ? Status::Ok() : added.status();
}

std::optional<std::string> NodeSessionHost::ChainOf(uint64_t origin) {
  auto entry = node_.directory().Find(origin);
  if (!entry) return std::nullopt;
  return entry->chain_bytes;
}

std::vector<std::string> NodeSessionHost::Revocations() { return node_.directory().Revocations(); }

storage::TrustLookup NodeSessionHost::Trust() { return node_.directory().Trust(); }

void NodeSessionHost::PeerHolds(uint64_t node, const storage::VersionVector& versions) {
  Status kept = RecordPeerHolds(node_.store(), node, versions);
  if (!kept.ok()) log_("could not keep what node " + NodeIdHex(node) + " holds: " + kept.ToString());
}

Result<std::set<uint64_t>> NodeSessionHost::Scope(const replication::PeerIdentity& peer) {
  std::set<uint64_t> scope;
  const storage::VersionVector held = node_.store().version_vector();
  auto contains = [](const std::vector<uint64_t>& lineage, uint64_t id) {
    return std::find(lineage.begin(), lineage.end(), id) != lineage.end();
  };
  for (const auto& [origin, seq] : held) {
    auto entry = node_.directory().Find(origin);
    if (!entry) continue;  // an origin nobody vouches for here is not passed on
    if (contains(entry->chain.lineage, peer.node_id) || contains(peer.lineage, origin)) scope.insert(origin);
  }
  const bool peer_is_above = contains(node_.directory().Find(node_.config().node_id)
                                          .value_or(Directory::Entry{}).chain.lineage,
                                      peer.node_id);
  if (peer_is_above) return scope;
  const auto role = static_cast<schema::Role>(peer.role);
  Status scanned = node_.store().ScanRecords([&](std::string_view, std::string_view bytes) {
    auto state = storage::Parsed<schema::RecordState>::Parse(bytes, "record");
    if (!state.ok()) return true;  // log verify reports unreadable records
    if (!Covers(role, peer.unit, state->get().getResident().getHomeUnit().cStr())) return true;
    for (auto v : state->get().getVersions()) {
      if (node_.directory().Find(v.getOrigin())) scope.insert(v.getOrigin());
    }
    return true;
  });
  if (!scanned.ok()) return scanned;
  return scope;
}

}  // namespace dancu::node
