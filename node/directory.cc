#include "node/directory.h"

#include <capnp/message.h>

#include "node/authority.h"
#include "node/identity.capnp.h"
#include "node/role.h"
#include "storage/canonical.h"
#include "storage/store_layout.h"

namespace dancu::node {

namespace {
constexpr std::string_view kChainPrefix = "dir/cert/";
constexpr std::string_view kRevocationPrefix = "dir/revoked/";

std::string RevocationMessage(uint64_t node_id, uint64_t after_seq, uint64_t issued_at) {
  return "dancu/revocation/v1" + storage::layout::EncodeU64(node_id) + storage::layout::EncodeU64(after_seq) +
         storage::layout::EncodeU64(issued_at);
}

struct ParsedRevocation {
  uint64_t node_id, after_seq;
};

Result<ParsedRevocation> CheckRevocation(std::string_view bytes, const storage::PublicKey& root) {
  auto parsed = storage::Parsed<schema::Revocation>::Parse(bytes, "revocation");
  if (!parsed.ok()) return parsed.status();
  auto r = parsed->get();
  storage::Signature signature;
  if (r.getSignature().size() != signature.size()) return Status::Corruption("revocation: signature is not 64 bytes");
  std::copy(r.getSignature().begin(), r.getSignature().end(), signature.begin());
  if (!storage::VerifySignature(root, RevocationMessage(r.getNodeId(), r.getAfterSeq(), r.getIssuedAt()), signature)) {
    return Status::Corruption("revocation of node " + NodeIdHex(r.getNodeId()) + ": signature does not verify with the root key");
  }
  return ParsedRevocation{r.getNodeId(), r.getAfterSeq()};
}
}  // namespace

std::string MakeRevocation(const storage::SigningKey& root, uint64_t node_id, uint64_t after_seq, uint64_t now_ms) {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::Revocation>();
  r.setNodeId(node_id);
  r.setAfterSeq(after_seq);
  r.setIssuedAt(now_ms);
  storage::Signature sig = root.Sign(RevocationMessage(node_id, after_seq, now_ms));
  r.setSignature(capnp::Data::Reader(sig.data(), sig.size()));
  return storage::Canonicalize(r.asReader());
}

Result<std::unique_ptr<Directory>> Directory::Load(storage::Store& store, std::optional<storage::PublicKey> root) {
  std::unique_ptr<Directory> dir(new Directory(store, root));
  if (!root) return dir;
  Status bad;
  DANCU_RETURN_IF_ERROR(store.ScanMeta(kChainPrefix, [&](std::string_view, std::string_view bytes) {
    // Stored chains were verified when added; their validity windows may since have closed,
    // which does not make the changes signed meanwhile any less authentic.
    VerifiedChain chain;
    bad = dir->Remember(bytes, 0, false, &chain);
    return bad.ok();
  }));
  DANCU_RETURN_IF_ERROR(bad);
  DANCU_RETURN_IF_ERROR(store.ScanMeta(kRevocationPrefix, [&](std::string_view, std::string_view bytes) {
    auto r = CheckRevocation(bytes, *root);
    if (!r.ok()) {
      bad = r.status();
      return false;
    }
    dir->revoked_[r->node_id] = {r->after_seq, std::string(bytes)};
    return true;
  }));
  DANCU_RETURN_IF_ERROR(bad);
  return dir;
}

Status Directory::Remember(std::string_view chain_bytes, uint64_t now_ms, bool persist, VerifiedChain* out) {
  if (!root_) return Status::FailedPrecondition("this node has no certificate installed, so it trusts no chain");
  // now_ms == 0: a stored chain, verified when it was added; check signatures, not the time.
  auto verified = VerifyChain(chain_bytes, root_, now_ms);
  if (!verified.ok() && now_ms == 0) {
    auto parsed = storage::Parsed<schema::CertificateChain>::Parse(chain_bytes, "certificate chain");
    if (!parsed.ok()) return parsed.status();
    auto certs = parsed->get().getCertificates();
    if (certs.size() == 0) return verified.status();
    verified = VerifyChain(chain_bytes, root_, certs[certs.size() - 1].getValidFrom());
  }
  if (!verified.ok()) return verified.status();
  *out = *verified;
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = chains_.try_emplace(verified->leaf_node_id, Entry{*verified, std::string(chain_bytes)});
  if (!added) return Status::Ok();
  if (persist) {
    Status put = store_.PutMeta(std::string(kChainPrefix) + NodeIdHex(verified->leaf_node_id), chain_bytes);
    if (!put.ok()) {
      chains_.erase(it);
      return put;
    }
  }
  return Status::Ok();
}

Result<VerifiedChain> Directory::AddChain(std::string_view chain_bytes, uint64_t now_ms) {
  VerifiedChain chain;
  DANCU_RETURN_IF_ERROR(Remember(chain_bytes, now_ms == 0 ? 1 : now_ms, true, &chain));
  // A chain vouches for its leaf's ancestors too: keep each of them, so that their changes and
  // their link keys are known wherever the leaf's are.
  auto parsed = storage::Parsed<schema::CertificateChain>::Parse(chain_bytes, "certificate chain");
  if (!parsed.ok()) return parsed.status();
  auto certs = parsed->get().getCertificates();
  for (unsigned length = 1; length < certs.size(); ++length) {
    if (Find(chain.lineage[length - 1])) continue;
    capnp::MallocMessageBuilder message;
    auto prefix = message.initRoot<schema::CertificateChain>().initCertificates(length);
    for (unsigned i = 0; i < length; ++i) prefix.setWithCaveats(i, certs[i]);
    VerifiedChain ancestor;
    DANCU_RETURN_IF_ERROR(Remember(storage::Canonicalize(message.getRoot<schema::CertificateChain>().asReader()),
                                   now_ms == 0 ? 1 : now_ms, true, &ancestor));
  }
  return chain;
}

Result<bool> Directory::AddRevocation(std::string_view bytes) {
  if (!root_) return Status::FailedPrecondition("this node has no certificate installed");
  auto r = CheckRevocation(bytes, *root_);
  if (!r.ok()) return r.status();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = revoked_.find(r->node_id);
  // Two revocations of one node: the earlier point holds.
  if (it != revoked_.end() && it->second.first <= r->after_seq) return false;
  DANCU_RETURN_IF_ERROR(store_.PutMeta(std::string(kRevocationPrefix) + NodeIdHex(r->node_id), bytes));
  revoked_[r->node_id] = {r->after_seq, std::string(bytes)};
  return true;
}

std::optional<Directory::Entry> Directory::Find(uint64_t node_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = chains_.find(node_id);
  if (it == chains_.end()) return std::nullopt;
  return it->second;
}

std::vector<uint64_t> Directory::ChildrenOf(uint64_t parent) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<uint64_t> children;
  for (const auto& [id, entry] : chains_) {
    const auto& lineage = entry.chain.lineage;
    if (lineage.size() >= 2 && lineage[lineage.size() - 2] == parent) children.push_back(id);
  }
  return children;
}

std::optional<uint64_t> Directory::RevokedAfter(uint64_t node_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = revoked_.find(node_id);
  if (it == revoked_.end()) return std::nullopt;
  return it->second.first;
}

storage::TrustLookup Directory::Trust() const {
  return [this](uint64_t origin) -> std::optional<storage::OriginTrust> {
    auto entry = Find(origin);
    if (!entry) return std::nullopt;
    storage::OriginTrust trust;
    trust.key = entry->chain.leaf_signing_key;
    trust.revoked_after = RevokedAfter(origin).value_or(UINT64_MAX);
    trust.hub = IsHub(entry->chain.leaf_role);
    trust.covers = [role = entry->chain.leaf_role, unit = entry->chain.leaf_unit](std::string_view home) {
      return Covers(role, unit, home);
    };
    return trust;
  };
}

storage::KeyLookup Directory::Keys() const {
  return [this](uint64_t origin) -> std::optional<storage::PublicKey> {
    auto entry = Find(origin);
    if (!entry) return std::nullopt;
    return entry->chain.leaf_signing_key;
  };
}

bool Directory::Admits(const std::array<uint8_t, 32>& curve_key) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, entry] : chains_) {
    if (entry.chain.leaf_curve_key == curve_key) return revoked_.count(id) == 0;
  }
  return false;
}

std::vector<std::string> Directory::Revocations() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, r] : revoked_) out.push_back(r.second);
  return out;
}

}  // namespace dancu::node
