#include "node/peer_status.h"

#include <map>

#include "node/bundles.h"
#include "node/node_config.h"
#include "node/session_host.h"

namespace dancu::node {

namespace {

constexpr char kPeerPrefix[] = "peer/";

// The node ids named by the "peer/<hex>/vv" metadata keys.
Status ForEachKnownPeer(const storage::Store& store, const std::function<void(uint64_t)>& visit) {
  return store.ScanMeta(kPeerPrefix, [&](std::string_view key, std::string_view) {
    const std::string_view rest = key.substr(sizeof(kPeerPrefix) - 1);
    if (rest.size() != 16 + 3 || rest.substr(16) != "/vv") return true;
    auto id = ParseNodeIdHex(rest.substr(0, 16));
    if (id.ok()) visit(*id);
    return true;
  });
}

void FillBacklog(Node& node, NodeSessionHost& host, PeerStatus& peer) {
  auto entry = node.directory().Find(peer.node_id);
  if (!entry) {
    peer.backlog_error = "its certificate has not reached this node yet";
    return;
  }
  peer.role = entry->chain.leaf_role;
  peer.unit = entry->chain.leaf_unit;
  auto scope = host.Scope(IdentityOf(entry->chain));
  if (!scope.ok()) {
    peer.backlog_error = scope.status().message();
    return;
  }
  auto known = KnownVector(node.store(), peer.node_id);
  if (!known.ok()) {
    peer.backlog_error = known.status().message();
    return;
  }
  peer.vector_known = !known->empty();
  const storage::VersionVector held = node.store().version_vector();
  for (uint64_t origin : *scope) {
    auto ours = held.find(origin);
    auto theirs = known->find(origin);
    const uint64_t have = ours == held.end() ? 0 : ours->second;
    const uint64_t they = theirs == known->end() ? 0 : theirs->second;
    if (have > they) {
      peer.backlog_changes += have - they;
      ++peer.backlog_origins;
    }
  }
}

}  // namespace

Result<std::vector<PeerStatus>> PeerStatuses(Node& node, const std::vector<LinkStatus>& links, uint64_t now_ms) {
  std::map<uint64_t, PeerStatus> peers;
  auto parent = ParentOf(node);
  if (parent.ok()) {
    peers[*parent].node_id = *parent;
    peers[*parent].is_parent = true;
  }
  for (const auto& link : links) {
    PeerStatus& peer = peers[link.node_id];
    peer.node_id = link.node_id;
    peer.is_parent = peer.is_parent || link.is_parent;
    peer.link = link;
  }
  for (uint64_t child : node.directory().ChildrenOf(node.config().node_id)) peers[child].node_id = child;
  DANCU_RETURN_IF_ERROR(ForEachKnownPeer(node.store(), [&](uint64_t id) { peers[id].node_id = id; }));
  peers.erase(node.config().node_id);

  NodeSessionHost host(node, [](std::string_view) {}, [now_ms] { return now_ms; });
  std::vector<PeerStatus> out;
  for (auto& [id, peer] : peers) {
    FillBacklog(node, host, peer);
    if (peer.link && peer.unit.empty()) peer.unit = peer.link->unit;
    out.insert(peer.is_parent ? out.begin() : out.end(), std::move(peer));
  }
  return out;
}

}  // namespace dancu::node
