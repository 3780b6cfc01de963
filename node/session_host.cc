#include "node/session_host.h"

#include <algorithm>

#include "node/bundles.h"
#include "node/freshness.h"
#include "node/leases.h"
#include "storage/units.h"
#include "storage/canonical.h"
#include "storage/log_format.h"

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
  if (node_.directory().RevokedAfter(verified->leaf_node_id)) {
    return Status::PermissionDenied("node " + NodeIdHex(verified->leaf_node_id) + " is revoked");
  }
  return IdentityOf(*verified);
}

std::optional<replication::PeerIdentity> NodeSessionHost::KnownPeer(uint64_t node_id) {
  auto entry = node_.directory().Find(node_id);
  if (!entry || node_.directory().RevokedAfter(node_id)) return std::nullopt;
  return IdentityOf(entry->chain);
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

bool NodeSessionHost::IsAncestor(const replication::PeerIdentity& sender) {
  auto own = node_.directory().Find(node_.config().node_id);
  if (!own || sender.node_id == node_.config().node_id) return false;
  const auto& lineage = own->chain.lineage;
  return std::find(lineage.begin(), lineage.end(), sender.node_id) != lineage.end();
}

std::string NodeSessionHost::HeadOf(uint64_t origin) {
  const auto held = node_.store().version_vector();
  if (!held.count(origin)) return "";
  std::string head;
  Status read = node_.store().ScanCheckpointsFrom(origin, held.at(origin), [&](uint64_t, uint64_t seq, std::string_view bytes) {
    if (seq == held.at(origin)) head = bytes;
    return false;
  });
  if (!read.ok()) log_("reading the checkpoint of origin " + NodeIdHex(origin) + ": " + read.ToString());
  return head;
}

Status NodeSessionHost::CheckOwnLog(const replication::PeerIdentity& peer, std::string_view head) {
  if (head.empty() || Recovering()) return Status::Ok();
  const uint64_t self = node_.config().node_id;
  auto parsed = storage::Parsed<schema::Checkpoint>::Parse(head, "the peer's checkpoint of this node's log");
  if (!parsed.ok()) return parsed.status();
  auto checkpoint = parsed->get();
  auto own_key = node_.KeyLookup()(self);
  if (checkpoint.getOrigin() != self || !own_key) {
    return Status::Corruption("node " + NodeIdHex(peer.node_id) + " sent a checkpoint of another log as this node's");
  }
  // Signed by this node's own key, or it is no word of this node's log.
  DANCU_RETURN_IF_ERROR(storage::VerifyCheckpoint(checkpoint, *own_key).WithContext("the peer's checkpoint of this node's log"));
  auto signed_root = storage::HashFromData(checkpoint.getRoot(), "checkpoint root");
  if (!signed_root.ok()) return signed_root.status();
  const uint64_t theirs = checkpoint.getSeq();
  const auto held = node_.store().version_vector();
  const uint64_t mine = held.count(self) ? held.at(self) : 0;
  std::string how;
  if (theirs > mine) {
    how = "up to seq " + std::to_string(theirs) + ", beyond its own " + std::to_string(mine);
  } else {
    auto root = node_.store().TreeRoot(self, theirs);
    if (!root.ok()) return root.status();
    if (*root == *signed_root) return Status::Ok();
    how = "up to seq " + std::to_string(theirs) + " with other entries than its own";
  }
  auto known = KnownVector(node_.store(), peer.node_id);
  if (!known.ok()) return known.status();
  const uint64_t keep = std::min({mine, theirs, known->count(self) ? known->at(self) : 0});
  DANCU_RETURN_IF_ERROR(node_.store().RewindOwnLog(self, keep, theirs));
  const std::string what = "node " + NodeIdHex(peer.node_id) + " holds this node's own log " + how +
                           " (restored from an older copy, or writes lost): its entries after seq " +
                           std::to_string(keep) + " are set aside, to be authored again once its own entries are back";
  log_(what);
  return Status::FailedPrecondition(what + "; a new session fetches them");
}

Status NodeSessionHost::AfterIngest(uint64_t origin) {
  const uint64_t self = node_.config().node_id;
  auto target = node_.store().RecoveryTarget();
  if (origin != self || !target) return Status::Ok();
  const auto held = node_.store().version_vector();
  if (!held.count(self) || held.at(self) < *target) return Status::Ok();
  auto done = node_.Reauthor();
  if (!done.ok()) return done.status();
  log_("own log recovered up to seq " + std::to_string(*target) + ": " + std::to_string(done->reauthored) +
       " changes authored again after it, " + std::to_string(done->returned) + " came back unchanged, " +
       std::to_string(done->refused) + " refused (in the quarantine)");
  return Status::Ok();
}

namespace {
// Whether `peer` is this node's parent (the last but one of its own chain).
bool IsParent(const Node& node, uint64_t peer) {
  auto own = node.directory().Find(node.config().node_id);
  return own && own->chain.lineage.size() >= 2 && own->chain.lineage[own->chain.lineage.size() - 2] == peer;
}
}  // namespace

void NodeSessionHost::PeerHolds(uint64_t node, const storage::VersionVector& versions) {
  Status kept = RecordPeerHolds(node_.store(), node, versions);
  if (kept.ok() && IsParent(node_, node)) kept = RecordParentSync(node_.store(), clock_());
  if (!kept.ok()) log_("could not keep what node " + NodeIdHex(node) + " holds: " + kept.ToString());
}

Status NodeSessionHost::AcceptAgency(std::string_view credential) {
  auto added = node_.agencies().Add(credential);
  return added.ok() ? Status::Ok() : added.status();
}

Status NodeSessionHost::AcceptAudit(std::string_view batch) {
  auto added = node_.audit().Accept(batch);
  return added.ok() ? Status::Ok() : added.status();
}

std::optional<replication::SessionHost::LeaseAsk> NodeSessionHost::WantLease(const replication::PeerIdentity& peer) {
  const schema::Role role = node_.config().role;
  if (role == schema::Role::CENTRAL || !IsParent(node_, peer.node_id)) return std::nullopt;
  auto province = ProvinceCodeOf(node_);
  if (!province.ok()) return std::nullopt;
  auto remaining = RemainingSerials(node_, *province);
  if (!remaining.ok() || *remaining >= LeaseLowMark(role)) return std::nullopt;
  return LeaseAsk{*province, LeaseBlockFor(role)};
}

Result<std::string> NodeSessionHost::GrantLease(const replication::PeerIdentity& peer, const std::string& province,
                                                uint32_t count) {
  // Only to a child, only its province's serials, and no more than a child of its role asks for.
  if (peer.lineage.size() < 2 || peer.lineage[peer.lineage.size() - 2] != node_.config().node_id) {
    return Status::PermissionDenied("leases go to this node's own children only");
  }
  const auto role = static_cast<schema::Role>(peer.role);
  const auto* unit = storage::UnitRegistry::Get().ProvinceOf(peer.unit, storage::Era::k2023);
  if (unit == nullptr || "0" + std::string(unit->code) != province) {
    return Status::PermissionDenied("a node is leased serials of its own province only");
  }
  if (count > LeaseBlockFor(role)) return Status::InvalidArgument("asked for more serials than a block");
  return node::GrantLease(node_, peer.node_id, province, count, clock_());
}

Status NodeSessionHost::AcceptLease(std::string_view lease) { return node::AcceptLease(node_, lease); }

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
  // (c): the unit-origins index answers with the peer's rows; central covers every unit.
  std::set<uint64_t> changed_below;
  if (static_cast<schema::Role>(peer.role) == schema::Role::CENTRAL) {
    auto rows = node_.store().KeptUnitOrigins();
    if (!rows.ok()) return rows.status();
    for (const auto& [row, count] : *rows) changed_below.insert(row.second);
  } else {
    auto origins = node_.store().OriginsUnder(peer.unit);
    if (!origins.ok()) return origins.status();
    changed_below = std::move(*origins);
  }
  for (uint64_t origin : changed_below) {
    if (node_.directory().Find(origin)) scope.insert(origin);
  }
  return scope;
}

}  // namespace dancu::node
