// Node: one running dancu node's identity and data — DATA_DIR/node.json, node.key,
// certificate.chain and the RocksDB store in DATA_DIR/db.
//
// Ownership: a Node owns its Store and, when opened for writing, its secret keys. Thread-safety: as
// the Store; config() is immutable once opened. Errors: Status from every call; nothing throws.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "node/agencies.h"
#include "node/audit_log.h"
#include "node/directory.h"
#include "node/finger_index.h"
#include "node/key_file.h"
#include "node/node_config.h"
#include "storage/log_verify.h"
#include "storage/store.h"

namespace dancu::node {

struct InitOptions {
  std::string data_dir;
  schema::Role role = schema::Role::COMMUNE;
  std::string unit;
  std::optional<std::string> passphrase;  // seals node.key with argon2id + XChaCha20-Poly1305
  uint64_t now_ms = 0;                    // for central's root certificate validity
};

enum class KeyAccess { kNone, kSign };

class Node {
 public:
  // Creates a node: the data directory (mode 0700), its keys, node.json, an empty store, and for
  // central its self-signed root certificate. AlreadyExists if DATA_DIR holds a node;
  // InvalidArgument for a unit code that is not in the reference data.
  static Result<NodeConfig> Init(const InitOptions& options);

  // Opens an existing node. With KeyAccess::kSign the secret keys are loaded (a sealed key file
  // needs `passphrase`), which every write requires. A hub (district, province, central) caches at
  // least kHubBlockCacheBytes of its store: it answers searches, reports and agencies over its
  // whole subtree, where a commune's 8 MiB would leave every read to the page cache.
  static constexpr size_t kHubBlockCacheBytes = 256u << 20;
  static Result<std::unique_ptr<Node>> Open(const std::string& data_dir, KeyAccess access,
                                            const std::optional<std::string>& passphrase,
                                            storage::StoreOptions store_options = {});

  const NodeConfig& config() const { return config_; }
  const std::string& data_dir() const { return data_dir_; }
  storage::Store& store() { return *store_; }
  const storage::Store& store() const { return *store_; }
  // The signing key; FailedPrecondition unless opened with KeyAccess::kSign.
  Result<const storage::SigningKey*> signing_key() const;
  // The CurveZMQ secret key of the node's links; the same precondition.
  Result<std::array<uint8_t, 32>> curve_secret() const;
  // The key of biometric data at rest (node/biometric_crypto.h); the same precondition.
  Result<const DataKey*> data_key() const;

  // The signing keys this node knows by origin: its own and its directory's.
  storage::KeyLookup KeyLookup() const;
  // Whom the node trusts (node/directory.h); empty until a certificate is installed.
  Directory& directory() { return *directory_; }
  const Directory& directory() const { return *directory_; }
  // This node's installed certificate chain; FailedPrecondition before `dancu cert install`.
  Result<std::string> OwnChain() const;
  // The agencies central registered (node/agencies.h), and the audit of their verifications
  // (node/audit_log.h; it records only when the node was opened with KeyAccess::kSign).
  Agencies& agencies() { return *agencies_; }
  const Agencies& agencies() const { return *agencies_; }
  AuditLog& audit() { return *audit_; }
  const AuditLog& audit() const { return *audit_; }

  // The fingerprint gallery's 1:N index (node/finger_index.h): built from the store on the first
  // call, then kept current by the enrollment functions (node/enrollment.h). The same precondition
  // as data_key(); errors of FingerIndex::Load.
  Result<FingerIndex*> finger_index();
  // The index if it has been built, else null.
  FingerIndex* loaded_finger_index();

  // Appends drafts as this node's changes (see Store::Append), under this node's authority
  // (node/authority.h) and the enrollment rules (node/enrollment_rules.h). PermissionDenied, nothing
  // appended, when a draft's officer role does not exist on this node or does not allow its
  // operation (storage/officer_role.h).
  Result<storage::AppendOutcome> Append(std::vector<storage::Draft>& drafts);
  // Ends a recovery of the node's own log under the same rules (storage::Store::Reauthor).
  Result<storage::Store::ReauthorOutcome> Reauthor();

  static std::string KeyPath(const std::string& dir) { return dir + "/node.key"; }
  static std::string ConfigPath(const std::string& dir) { return dir + "/node.json"; }
  static std::string ChainPath(const std::string& dir) { return dir + "/certificate.chain"; }
  static std::string StorePath(const std::string& dir) { return dir + "/db"; }

 private:
  Node(std::string data_dir, NodeConfig config, std::unique_ptr<storage::Store> store,
       std::optional<NodeSecrets> secrets);
  // What every change this node authors must pass: its authority and the enrollment rules.
  storage::RecordCheck Rules() const;
  std::string data_dir_;
  NodeConfig config_;
  std::unique_ptr<storage::Store> store_;
  std::optional<NodeSecrets> secrets_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<Agencies> agencies_;
  std::unique_ptr<AuditLog> audit_;  // after the store: its writer stops first
  std::mutex finger_index_mu_;  // guards building finger_index_
  std::unique_ptr<FingerIndex> finger_index_;
};

}  // namespace dancu::node
