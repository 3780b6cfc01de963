// NodeSessionHost: what a replication session (replication/session.h) needs, from a Node.
//
// Identity from the node's certificate chain, trust from its directory (node/directory.h), and
// the scope of a peer (DESIGN.md "Scope"): a node sends a peer the logs of
//   - the origins at or below the peer (a parent receives everything authored below it),
//   - the origins above the peer (corrections from above, and the reference data they carry),
//   - unless the peer is above this node: the origins that changed a record homed in the peer's
//     part of the tree (residents moving in, arriving through the common ancestor), read from the
//     store's unit-origins index (storage/unit_origins.h), not by a scan of the records.
// Logs travel whole (every entry of an origin; exact scopes are docs/log-format.md's next step), and the version
// vectors limit them to what the peer lacks. Leases (node/leases.h): a node asks its parent for
// citizen-number serials when it runs low, and grants its children blocks from its own.
//
// Not thread-safe: one per session owner thread; the Node must outlive it.
#pragma once

#include <functional>
#include <string>

#include "node/node.h"
#include "replication/session.h"

namespace dancu::node {

class NodeSessionHost : public replication::SessionHost {
 public:
  using Clock = std::function<uint64_t()>;  // ms since the Unix epoch
  NodeSessionHost(Node& node, std::function<void(std::string_view)> log, Clock clock);

  storage::Store& store() override { return node_.store(); }
  replication::HelloInfo Hello() override;
  Result<replication::PeerIdentity> AcceptChain(std::string_view chain) override;
  std::optional<replication::PeerIdentity> KnownPeer(uint64_t node_id) override;
  Status AcceptRevocation(std::string_view revocation) override;
  std::optional<std::string> ChainOf(uint64_t origin) override;
  std::vector<std::string> Revocations() override;
  storage::TrustLookup Trust() override;
  bool IsAncestor(const replication::PeerIdentity& sender) override;
  Result<std::set<uint64_t>> Scope(const replication::PeerIdentity& peer) override;
  std::optional<LeaseAsk> WantLease(const replication::PeerIdentity& peer) override;
  Result<std::string> GrantLease(const replication::PeerIdentity& peer, const std::string& province,
                                 uint32_t count) override;
  Status AcceptLease(std::string_view lease) override;
  void Log(std::string_view line) override { log_(line); }
  // Own-log recovery (storage::Store::RewindOwnLog): when the peer holds this node's log longer,
  // or different, set aside what may differ, from the last seq the peer was known to hold, and
  // author it again once the log is back.
  std::string HeadOf(uint64_t origin) override;
  Status CheckOwnLog(const replication::PeerIdentity& peer, std::string_view head) override;
  bool Recovering() override { return node_.store().RecoveryTarget().has_value(); }
  Status AfterIngest(uint64_t origin) override;
  std::vector<std::string> AgencyCredentials() override { return node_.agencies().Credentials(); }
  Status AcceptAgency(std::string_view credential) override;
  storage::VersionVector AuditHeld() override { return node_.audit().Held(); }
  Result<std::vector<std::string>> AuditAfter(const storage::VersionVector& peer_held, size_t max) override {
    return node_.audit().After(peer_held, max);
  }
  Status AcceptAudit(std::string_view batch) override;
  // Keeps the vector known of `node` for its next bundle (node/bundles.h), and, for the parent,
  // when this node last synced with it (node/freshness.h).
  void PeerHolds(uint64_t node, const storage::VersionVector& versions) override;

 private:
  Node& node_;
  std::function<void(std::string_view)> log_;
  Clock clock_;
};

// The identity a verified chain gives its leaf.
replication::PeerIdentity IdentityOf(const VerifiedChain& chain);

}  // namespace dancu::node
