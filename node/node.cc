#include "node/node.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "node/authority.h"
#include "node/certificates.h"
#include "node/enrollment_rules.h"
#include "node/files.h"
#include "node/role.h"
#include "storage/officer_role.h"
#include "storage/units.h"

namespace dancu::node {

namespace {

constexpr uint64_t kRootValidityDays = 20 * 365;

storage::UnitLevel LevelFor(schema::Role role) {
  switch (role) {
    case schema::Role::COMMUNE: return storage::UnitLevel::kCommune;
    case schema::Role::DISTRICT: return storage::UnitLevel::kDistrict;
    default: return storage::UnitLevel::kProvince;
  }
}

Status CheckUnit(schema::Role role, const std::string& unit) {
  if (role == schema::Role::CENTRAL) {
    if (unit != "VN") return Status::InvalidArgument("the central node's unit is VN");
    return Status::Ok();
  }
  const auto& units = storage::UnitRegistry::Get();
  for (auto era : {storage::Era::k2025, storage::Era::k2023}) {
    const storage::Unit* u = units.Find(unit, era);
    if (u != nullptr && u->level == LevelFor(role)) return Status::Ok();
  }
  return Status::InvalidArgument("unit " + unit + " is not a " + RoleName(role) +
                                 " in the 2023 or 2025 administrative units");
}

}  // namespace

Result<NodeConfig> Node::Init(const InitOptions& options) {
  const std::string& dir = options.data_dir;
  DANCU_RETURN_IF_ERROR(CheckUnit(options.role, options.unit));
  if (std::filesystem::exists(ConfigPath(dir))) {
    return Status::AlreadyExists("a node exists already in " + dir);
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);

  NodeSecrets secrets = NodeSecrets::Generate();
  NodeConfig config;
  config.node_id = secrets.signing.node_id();
  config.role = options.role;
  config.unit = options.unit;
  config.signing_key = secrets.signing.public_key();
  config.curve_key = secrets.curve_public;
  if (options.role == schema::Role::CENTRAL) config.root_key = config.signing_key;

  DANCU_RETURN_IF_ERROR(WriteKeyFile(KeyPath(dir), secrets, options.passphrase));
  storage::StoreOptions store_options;
  store_options.create_if_missing = true;
  auto store = storage::Store::Open(StorePath(dir), store_options);
  if (!store.ok()) return store.status();
  if (options.role == schema::Role::CENTRAL) {
    DANCU_RETURN_IF_ERROR(WriteFileAtomically(
        ChainPath(dir), MakeRootChain(config, secrets, options.now_ms, kRootValidityDays)));
  }
  // node.json last: its presence is what marks a complete node.
  DANCU_RETURN_IF_ERROR(WriteNodeConfig(ConfigPath(dir), config));
  return config;
}

Result<std::unique_ptr<Node>> Node::Open(const std::string& data_dir, KeyAccess access,
                                         const std::optional<std::string>& passphrase,
                                         storage::StoreOptions store_options) {
  auto config = ReadNodeConfig(ConfigPath(data_dir));
  if (!config.ok()) return config.status();
  std::optional<NodeSecrets> secrets;
  if (access == KeyAccess::kSign) {
    auto loaded = ReadKeyFile(KeyPath(data_dir), passphrase);
    if (!loaded.ok()) return loaded.status();
    if (loaded->signing.public_key() != config->signing_key) {
      return Status::Corruption(KeyPath(data_dir) + " does not hold the key named in node.json");
    }
    secrets.emplace(std::move(loaded.value()));
  }
  store_options.create_if_missing = false;
  store_options.hub = IsHub(config->role);
  if (store_options.hub) store_options.block_cache_bytes = std::max(store_options.block_cache_bytes, kHubBlockCacheBytes);
  auto store = storage::Store::Open(StorePath(data_dir), store_options);
  if (!store.ok()) return store.status();
  auto directory = Directory::Load(**store, config->root_key);
  if (!directory.ok()) return directory.status();
  std::unique_ptr<Node> node(new Node(data_dir, std::move(config.value()), std::move(store.value()),
                                      std::move(secrets)));
  node->directory_ = std::move(directory.value());
  auto agencies = Agencies::Load(node->store(), node->config_.root_key);
  if (!agencies.ok()) return agencies.status();
  node->agencies_ = std::move(agencies.value());
  auto audit = AuditLog::Load(node->store(), node->secrets_ ? &node->secrets_->signing : nullptr, node->KeyLookup());
  if (!audit.ok()) return audit.status();
  node->audit_ = std::move(audit.value());
  // The node's own chain, once installed, is the first entry of its directory: kept there by the
  // first open that may write (a read-only open reads the directory as stored).
  if (!store_options.read_only && node->config_.root_key && std::filesystem::exists(ChainPath(data_dir))) {
    auto chain = ReadWholeFile(ChainPath(data_dir));
    if (!chain.ok()) return chain.status();
    if (!node->directory_->Find(node->config_.node_id)) {
      auto added = node->directory_->AddChain(*chain, storage::HybridClock::SystemMillis());
      if (!added.ok()) return added.status().WithContext(ChainPath(data_dir));
    }
  }
  return node;
}

Result<std::string> Node::OwnChain() const {
  auto entry = directory_->Find(config_.node_id);
  if (!entry) return Status::FailedPrecondition("this node has no certificate installed (dancu cert install)");
  return entry->chain_bytes;
}

Node::Node(std::string data_dir, NodeConfig config, std::unique_ptr<storage::Store> store,
           std::optional<NodeSecrets> secrets)
    : data_dir_(std::move(data_dir)),
      config_(std::move(config)),
      store_(std::move(store)),
      secrets_(std::move(secrets)) {}

Result<const storage::SigningKey*> Node::signing_key() const {
  if (!secrets_) return Status::FailedPrecondition("node was opened without its keys");
  return &secrets_->signing;
}

Result<std::array<uint8_t, 32>> Node::curve_secret() const {
  if (!secrets_) return Status::FailedPrecondition("node was opened without its keys");
  return secrets_->curve_secret;
}

Result<const DataKey*> Node::data_key() const {
  if (!secrets_) return Status::FailedPrecondition("node was opened without its keys");
  return &secrets_->data_key;
}

Result<FingerIndex*> Node::finger_index() {
  std::lock_guard<std::mutex> lock(finger_index_mu_);
  if (finger_index_) return finger_index_.get();
  auto key = data_key();
  if (!key.ok()) return key.status();
  auto loaded = FingerIndex::Load(*store_, **key);
  if (!loaded.ok()) return loaded.status();
  finger_index_ = std::move(*loaded);
  return finger_index_.get();
}

FingerIndex* Node::loaded_finger_index() {
  std::lock_guard<std::mutex> lock(finger_index_mu_);
  return finger_index_.get();
}

storage::KeyLookup Node::KeyLookup() const {
  return [this](uint64_t origin) -> std::optional<storage::PublicKey> {
    if (origin == config_.node_id) return config_.signing_key;
    if (auto entry = directory_->Find(origin)) return entry->chain.leaf_signing_key;
    return std::nullopt;
  };
}

storage::RecordCheck Node::Rules() const {
  return [authority = AuthorityCheck(config_), enrollment = EnrollmentRules()](
             const schema::Resident::Reader* before, schema::Resident::Reader after) {
    storage::FieldErrors errors = authority(before, after);
    for (storage::FieldError& e : enrollment(before, after)) errors.push_back(std::move(e));
    return errors;
  };
}

Result<storage::AppendOutcome> Node::Append(std::vector<storage::Draft>& drafts) {
  auto key = signing_key();
  if (!key.ok()) return key.status();
  for (const storage::Draft& draft : drafts) {
    DANCU_RETURN_IF_ERROR(
        storage::CheckOfficerRole(draft.officer, draft.officer_role, draft.operation, IsHub(config_.role)));
  }
  return store_->Append(drafts, **key, Rules());
}

Result<storage::Store::ReauthorOutcome> Node::Reauthor() {
  auto key = signing_key();
  if (!key.ok()) return key.status();
  return store_->Reauthor(**key, Rules());
}

}  // namespace dancu::node
