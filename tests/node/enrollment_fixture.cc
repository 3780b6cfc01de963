#include "tests/node/enrollment_fixture.h"

#include <catch2/catch.hpp>

#include "node/certificates.h"
#include "node/files.h"
#include "node/resident_drafts.h"
#include "storage/hlc.h"

namespace dancu::testing {

namespace {

node::NodeConfig Init(const std::string& dir, schema::Role role, const std::string& unit) {
  auto config =
      node::Node::Init({dir, role, unit, std::nullopt, storage::HybridClock::SystemMillis()});
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  return *config;
}

// Certifies `child` under `parent` and returns the child's chain.
std::string Certify(const std::string& parent_dir, const node::NodeConfig& parent,
                    const node::NodeConfig& child) {
  auto parent_chain = node::ReadWholeFile(node::Node::ChainPath(parent_dir));
  REQUIRE(parent_chain.ok());
  auto issued = node::IssueCertificate(parent, EnrollmentTree::Secrets(parent_dir), *parent_chain,
                                       node::MakeCertificateRequest(child),
                                       storage::HybridClock::SystemMillis(), 365);
  INFO(issued.status().ToString());
  REQUIRE(issued.ok());
  return *issued;
}

// What `dancu cert install` does: the chain file, and central's key pinned in node.json.
void Install(const std::string& dir, node::NodeConfig config, const std::string& chain,
             const storage::PublicKey& root) {
  REQUIRE(node::WriteFileAtomically(node::Node::ChainPath(dir), chain).ok());
  config.root_key = root;
  REQUIRE(node::WriteNodeConfig(node::Node::ConfigPath(dir), config).ok());
}

}  // namespace

EnrollmentTree::EnrollmentTree() {
  const node::NodeConfig central = Init(central_dir(), schema::Role::CENTRAL, "VN");
  const node::NodeConfig district = Init(district_dir(), schema::Role::DISTRICT, "001");
  const node::NodeConfig commune = Init(commune_dir(), schema::Role::COMMUNE, "00001");
  Install(district_dir(), district, Certify(central_dir(), central, district), central.signing_key);
  Install(commune_dir(), commune, Certify(district_dir(), district, commune), central.signing_key);
  OpenCommune();
}

void EnrollmentTree::WithCommuneClosed(const std::function<void()>& edit) {
  commune_.reset();
  edit();
  OpenCommune();
}

void EnrollmentTree::OpenCommune() {
  auto opened = node::Node::Open(commune_dir(), node::KeyAccess::kSign, std::nullopt);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  commune_ = std::move(opened.value());
  auto keys = node::LoadBiometricKeys(*commune_, storage::HybridClock::SystemMillis());
  INFO(keys.status().ToString());
  REQUIRE(keys.ok());
  keys_ = *keys;
}

node::NodeSecrets EnrollmentTree::Secrets(const std::string& data_dir) {
  auto secrets = node::ReadKeyFile(node::Node::KeyPath(data_dir), std::nullopt);
  REQUIRE(secrets.ok());
  return std::move(secrets.value());
}

std::string EnrollmentTree::AddResident(uint32_t serial) {
  node::DraftOrErrors built =
      node::MakeDraft(schema::Operation::CREATE, "", ValidResident(serial), "officer.an");
  REQUIRE(built.errors.empty());
  std::vector<storage::Draft> drafts;
  drafts.push_back(std::move(built.draft));
  const storage::AppendOutcome outcome = Append(std::move(drafts));
  REQUIRE(outcome.accepted.size() == 1);
  return outcome.accepted.front().record_id;
}

storage::AppendOutcome EnrollmentTree::Append(std::vector<storage::Draft> drafts) {
  auto outcome = commune_->Append(drafts);
  INFO(outcome.status().ToString());
  REQUIRE(outcome.ok());
  return std::move(outcome.value());
}

}  // namespace dancu::testing
