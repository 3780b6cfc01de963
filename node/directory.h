// Directory: the certificates and revocations a node knows, i.e. whom it trusts as an origin and
// as a peer.
//
// Every chain added is verified up to the pinned root key (node/certificates.h) and kept in the
// store's metadata ("dir/cert/" node id), so a hub can re-verify its communes' logs at any time and
// pass their chains on. A revocation (signed by the root) names a node and the last seq of its log
// that stays trusted; from then on Trust() refuses its later changes and Admits() its key.
// Certificates and revocations are the reference data that replicates with every link.
//
// Thread-safe (one internal mutex); the Store must outlive the Directory. Errors: Corruption
// naming what fails in a chain or revocation; IOError from the store.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/certificates.h"
#include "storage/log_verify.h"
#include "storage/store.h"

namespace dancu::node {

class Directory {
 public:
  struct Entry {
    VerifiedChain chain;
    std::string chain_bytes;
  };

  // Loads what `store` holds; `root` is the pinned root key (nullopt: no certificate installed,
  // so the node trusts no one).
  static Result<std::unique_ptr<Directory>> Load(storage::Store& store, std::optional<storage::PublicKey> root);

  // Verifies a chain at `now_ms` and keeps it. Returns its leaf; whether new or known already.
  Result<VerifiedChain> AddChain(std::string_view chain_bytes, uint64_t now_ms);
  // Verifies a revocation and keeps it. Returns true if it was new.
  Result<bool> AddRevocation(std::string_view revocation_bytes);

  std::optional<Entry> Find(uint64_t node_id) const;
  // The nodes whose chains name `parent` as their issuer (the children it certified), by node id.
  std::vector<uint64_t> ChildrenOf(uint64_t parent) const;
  // The trust of an origin for Store::Ingest: key, revocation point, authority by role and unit.
  storage::TrustLookup Trust() const;
  storage::KeyLookup Keys() const;
  // Whether a link may be opened by the node whose CurveZMQ key is `curve_key`: certified, not revoked.
  bool Admits(const std::array<uint8_t, 32>& curve_key) const;
  std::optional<uint64_t> RevokedAfter(uint64_t node_id) const;

  std::vector<std::string> Revocations() const;  // every revocation's bytes

 private:
  Directory(storage::Store& store, std::optional<storage::PublicKey> root) : store_(store), root_(root) {}
  Status Remember(std::string_view chain_bytes, uint64_t now_ms, bool persist, VerifiedChain* out);

  storage::Store& store_;
  const std::optional<storage::PublicKey> root_;
  mutable std::mutex mu_;
  std::map<uint64_t, Entry> chains_;
  std::map<uint64_t, std::pair<uint64_t, std::string>> revoked_;  // node id -> (after seq, bytes)
};

// Central's revocation of `node_id` after its seq `after_seq`, signed with the root's key.
std::string MakeRevocation(const storage::SigningKey& root, uint64_t node_id, uint64_t after_seq, uint64_t now_ms);

}  // namespace dancu::node
