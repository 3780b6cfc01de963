#include "node/agencies.h"

#include <capnp/message.h>
#include <sodium.h>

#include <algorithm>

#include "node/node_config.h"
#include "storage/canonical.h"

namespace dancu::node {

namespace {

constexpr std::string_view kTokenDomain = "dancu/ida-token/v1";
constexpr std::string_view kPrefix = "agency/";
constexpr size_t kMaxProcedures = 1024;

std::string BigEndian(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

}  // namespace

bool AgencyPolicy::Allows(schema::Claim claim) const {
  return std::find(claims.begin(), claims.end(), claim) != claims.end();
}

bool AgencyPolicy::AllowsProcedure(std::string_view procedure) const {
  return std::find(procedures.begin(), procedures.end(), procedure) != procedures.end();
}

uint64_t AgencyIdOf(const storage::PublicKey& key) { return storage::NodeIdFromKey(key); }

std::string_view ClaimName(schema::Claim claim) {
  switch (claim) {
    case schema::Claim::FULL_NAME: return "full_name";
    case schema::Claim::BIRTH_DATE: return "birth_date";
    case schema::Claim::SEX: return "sex";
    case schema::Claim::ALIVE: return "alive";
  }
  return "unknown";
}

std::optional<schema::Claim> ParseClaim(std::string_view name) {
  for (auto claim : {schema::Claim::FULL_NAME, schema::Claim::BIRTH_DATE, schema::Claim::SEX, schema::Claim::ALIVE}) {
    if (ClaimName(claim) == name) return claim;
  }
  return std::nullopt;
}

std::string MakeAgencyCredential(const storage::SigningKey& root, const AgencyPolicy& policy) {
  capnp::MallocMessageBuilder message;
  auto p = message.initRoot<schema::AgencyPolicy>();
  p.setAgencyId(AgencyIdOf(policy.key));
  p.setName(policy.name);
  p.setKey(kj::arrayPtr(policy.key.data(), policy.key.size()));
  auto procedures = p.initProcedures(static_cast<unsigned>(policy.procedures.size()));
  for (unsigned i = 0; i < procedures.size(); ++i) procedures.set(i, policy.procedures[i]);
  auto claims = p.initClaims(static_cast<unsigned>(policy.claims.size()));
  for (unsigned i = 0; i < claims.size(); ++i) claims.set(i, policy.claims[i]);
  p.setPerFieldResults(policy.per_field_results);
  p.setRatePerSecond(policy.rate_per_second);
  p.setPerCitizenPerHour(policy.per_citizen_per_hour);
  p.setValidFrom(policy.valid_from);
  p.setValidUntil(policy.valid_until);
  p.setTokenSalt(kj::arrayPtr(policy.token_salt.data(), policy.token_salt.size()));
  p.setIssuedAt(policy.issued_at);
  p.setRevoked(policy.revoked);
  const std::string body = storage::Canonicalize(p.asReader());
  const storage::Signature sig = root.Sign(std::string(kCredentialDomain) + body);

  capnp::MallocMessageBuilder out;
  auto credential = out.initRoot<schema::AgencyCredential>();
  credential.setPolicy(kj::arrayPtr(reinterpret_cast<const kj::byte*>(body.data()), body.size()));
  credential.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  return storage::Canonicalize(credential.asReader());
}

namespace {

Result<AgencyPolicy> CheckCredential(std::string_view bytes, const storage::PublicKey& root) {
  auto credential = storage::Parsed<schema::AgencyCredential>::Parse(bytes, "agency credential");
  if (!credential.ok()) return credential.status();
  const std::string_view body = storage::AsView(credential->get().getPolicy());
  auto sig_data = credential->get().getSignature();
  if (sig_data.size() != 64) return Status::Corruption("agency credential: the signature is not 64 bytes");
  storage::Signature sig;
  std::copy(sig_data.begin(), sig_data.end(), sig.begin());
  if (!storage::VerifySignature(root, std::string(kCredentialDomain) + std::string(body), sig)) {
    return Status::Corruption("agency credential: not signed by this registry's root key");
  }
  auto parsed = storage::Parsed<schema::AgencyPolicy>::Parse(body, "agency policy");
  if (!parsed.ok()) return parsed.status();
  auto p = parsed->get();
  AgencyPolicy policy;
  if (p.getKey().size() != 32 || p.getTokenSalt().size() != 32) {
    return Status::Corruption("agency policy: the key or the token salt is not 32 bytes");
  }
  std::copy(p.getKey().begin(), p.getKey().end(), policy.key.begin());
  std::copy(p.getTokenSalt().begin(), p.getTokenSalt().end(), policy.token_salt.begin());
  policy.id = p.getAgencyId();
  if (policy.id != AgencyIdOf(policy.key)) return Status::Corruption("agency policy: the id does not match its key");
  if (p.getProcedures().size() > kMaxProcedures) return Status::Corruption("agency policy: too many procedures");
  policy.name = p.getName().cStr();
  for (auto procedure : p.getProcedures()) policy.procedures.emplace_back(procedure.cStr());
  for (auto claim : p.getClaims()) policy.claims.push_back(claim);
  policy.per_field_results = p.getPerFieldResults();
  policy.rate_per_second = p.getRatePerSecond();
  policy.per_citizen_per_hour = p.getPerCitizenPerHour();
  policy.valid_from = p.getValidFrom();
  policy.valid_until = p.getValidUntil();
  policy.issued_at = p.getIssuedAt();
  policy.revoked = p.getRevoked();
  return policy;
}

}  // namespace

Result<AgencyPolicy> CheckAgencyCredential(std::string_view bytes, const storage::PublicKey& root) {
  // Canonical bytes may still hold a field of the wrong kind or a text without its NUL: Cap'n Proto
  // throws when it is read.
  try {
    return CheckCredential(bytes, root);
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("agency credential: ") + e.getDescription().cStr());
  }
}

std::array<uint8_t, 32> CitizenToken(const AgencyPolicy& agency, std::string_view citizen_no) {
  storage::EnsureSodium();
  const std::string input = std::string(kTokenDomain) + BigEndian(agency.id) + std::string(citizen_no);
  std::array<uint8_t, 32> token{};
  crypto_generichash(token.data(), token.size(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), agency.token_salt.data(), agency.token_salt.size());
  return token;
}

Result<std::unique_ptr<Agencies>> Agencies::Load(storage::Store& store, std::optional<storage::PublicKey> root) {
  std::unique_ptr<Agencies> agencies(new Agencies(store, root));
  if (!root) return agencies;
  Status bad;
  DANCU_RETURN_IF_ERROR(store.ScanMeta(kPrefix, [&](std::string_view, std::string_view bytes) {
    auto policy = CheckAgencyCredential(bytes, *root);
    if (!policy.ok()) {
      bad = policy.status();
      return false;
    }
    agencies->agencies_[policy->id] = {*policy, std::string(bytes)};
    return true;
  }));
  DANCU_RETURN_IF_ERROR(bad);
  return agencies;
}

bool Agencies::IsNews(const AgencyPolicy& policy) const {
  auto it = agencies_.find(policy.id);
  if (it == agencies_.end()) return true;
  const AgencyPolicy& held = it->second.first;
  if (held.revoked) return false;  // a revocation is final
  return policy.revoked || policy.issued_at > held.issued_at;
}

Result<bool> Agencies::Add(std::string_view credential) {
  if (!root_) return Status::FailedPrecondition("this node has no certificate installed");
  auto policy = CheckAgencyCredential(credential, *root_);
  if (!policy.ok()) return policy.status();
  std::lock_guard lock(mu_);
  if (!IsNews(*policy)) return false;
  DANCU_RETURN_IF_ERROR(store_.PutMeta(std::string(kPrefix) + NodeIdHex(policy->id), credential));
  agencies_[policy->id] = {*policy, std::string(credential)};
  return true;
}

std::optional<AgencyPolicy> Agencies::Find(uint64_t agency_id) const {
  std::lock_guard lock(mu_);
  auto it = agencies_.find(agency_id);
  if (it == agencies_.end()) return std::nullopt;
  return it->second.first;
}

std::vector<AgencyPolicy> Agencies::List() const {
  std::lock_guard lock(mu_);
  std::vector<AgencyPolicy> out;
  for (const auto& [id, entry] : agencies_) out.push_back(entry.first);
  return out;
}

std::vector<std::string> Agencies::Credentials() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, entry] : agencies_) out.push_back(entry.second);
  return out;
}

}  // namespace dancu::node
