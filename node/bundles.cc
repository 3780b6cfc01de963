#include "node/bundles.h"

#include "node/session_host.h"
#include "replication/messages.h"

namespace dancu::node {

namespace {
std::string PeerKey(uint64_t peer) { return "peer/" + NodeIdHex(peer) + "/vv"; }
}  // namespace

Result<storage::VersionVector> KnownVector(const storage::Store& store, uint64_t peer) {
  auto bytes = store.GetMeta(PeerKey(peer));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return storage::VersionVector();
  auto message = replication::DecodeMessage(**bytes);
  if (!message.ok()) return message.status();
  if (!message->get().isVersionVector()) return Status::Corruption(PeerKey(peer) + ": not a version vector");
  return replication::ReadVersionVector(message->get().getVersionVector());
}

Status RecordPeerHolds(storage::Store& store, uint64_t peer, const storage::VersionVector& versions) {
  auto known = KnownVector(store, peer);
  storage::VersionVector merged = known.ok() ? *known : storage::VersionVector();
  bool changed = !known.ok();
  for (const auto& [origin, seq] : versions) {
    if (seq == 0) continue;  // nothing held of that origin
    uint64_t& held = merged[origin];
    // Of its own log the peer's word is final: one that holds less than it did is recovering it
    // (restored from an older copy), and the next bundle for it carries its entries back.
    if (seq > held || (origin == peer && seq != held)) {
      held = seq;
      changed = true;
    }
  }
  if (!changed) return Status::Ok();
  return store.PutMeta(PeerKey(peer), replication::EncodeVersionVector(merged));
}

Result<BundleExport> ExportBundle(Node& node, uint64_t recipient, uint64_t now_ms,
                                  const std::function<void(std::string_view)>& log,
                                  replication::BundleOptions options) {
  if (recipient == node.config().node_id) return Status::InvalidArgument("a bundle is for another node, not this one");
  auto entry = node.directory().Find(recipient);
  if (!entry) {
    return Status::NotFound("node " + NodeIdHex(recipient) +
                            " is not known to this node's directory: its certificate arrives with a sync, a bundle "
                            "from it, or dancu cert issue");
  }
  auto key = node.signing_key();
  if (!key.ok()) return key.status();
  BundleExport out;
  out.recipient = recipient;
  auto base = KnownVector(node.store(), recipient);
  if (!base.ok()) return base.status();
  out.base = *base;
  NodeSessionHost host(node, log, [now_ms] { return now_ms; });
  options.now_ms = now_ms;
  auto built = replication::BuildBundle(host, **key, IdentityOf(entry->chain), out.base, options);
  if (!built.ok()) return built.status();
  out.built = std::move(built.value());
  return out;
}

Result<replication::BundleImport> ImportBundle(Node& node, std::string_view file, const std::string& source,
                                               uint64_t now_ms, const std::function<void(std::string_view)>& log) {
  auto parsed = replication::ParseBundle(file);
  if (!parsed.ok()) return parsed.status();
  NodeSessionHost host(node, log, [now_ms] { return now_ms; });
  return replication::ImportBundle(host, *parsed, node.config().node_id, source);
}

}  // namespace dancu::node
