// Agencies: the principals that verify citizens against the registry (docs/agency-verification.md).
//
// Central registers an agency as a credential: its policy (name, key, procedures, the claims it may
// ask about, whether it gets per-field results, its rates, its validity and the salt of its
// tokens), signed with central's root key. A revocation is a later credential of the same agency
// with `revoked` set; it wins over every other, whenever it arrives. Credentials are reference
// data: they travel with every replication session (replication/session.h), and every node
// verifies them against its pinned root before keeping them (store metadata "agency/" id).
//
// Thread-safe (one internal mutex); the Store must outlive the Agencies. Errors: Corruption for a
// credential that does not parse or verify; FailedPrecondition without a pinned root; IOError
// from the store.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/agency.capnp.h"
#include "storage/crypto.h"
#include "storage/store.h"

namespace dancu::node {

struct AgencyPolicy {
  uint64_t id = 0;
  std::string name;
  storage::PublicKey key{};
  std::vector<std::string> procedures;
  std::vector<schema::Claim> claims;
  bool per_field_results = false;
  uint32_t rate_per_second = 0;
  uint32_t per_citizen_per_hour = 0;
  uint64_t valid_from = 0, valid_until = 0, issued_at = 0;
  std::array<uint8_t, 32> token_salt{};
  bool revoked = false;

  bool Allows(schema::Claim claim) const;
  bool AllowsProcedure(std::string_view procedure) const;
};

// The agency id of a key: the first 8 bytes (big-endian) of BLAKE2b-256 of it.
uint64_t AgencyIdOf(const storage::PublicKey& key);

// The claim's name in requests and on the command line ("full_name", "birth_date", "sex",
// "alive"), and back (nullopt for another name).
std::string_view ClaimName(schema::Claim claim);
std::optional<schema::Claim> ParseClaim(std::string_view name);

// What the root key signs: kCredentialDomain || the policy's canonical bytes.
inline constexpr std::string_view kCredentialDomain = "dancu/agency/v1";

// Central's credential for `policy` (its id is set from its key), signed with the root key.
std::string MakeAgencyCredential(const storage::SigningKey& root, const AgencyPolicy& policy);
// Verifies a credential against `root`; its policy.
Result<AgencyPolicy> CheckAgencyCredential(std::string_view credential, const storage::PublicKey& root);

// The agency's token for a citizen number: BLAKE2b-256 keyed with the agency's salt over
// "dancu/ida-token/v1" || agency id (8 bytes, big-endian) || citizen number. Equal at every node,
// different for every agency.
std::array<uint8_t, 32> CitizenToken(const AgencyPolicy& agency, std::string_view citizen_no);

class Agencies {
 public:
  // Loads what `store` holds; `root`: the pinned root key (nullopt: no credential is accepted).
  static Result<std::unique_ptr<Agencies>> Load(storage::Store& store, std::optional<storage::PublicKey> root);

  // Verifies a credential and keeps it if it is news: a first credential of its agency, a later
  // policy of an agency not revoked, or a revocation. Returns true if kept.
  Result<bool> Add(std::string_view credential);

  std::optional<AgencyPolicy> Find(uint64_t agency_id) const;
  std::vector<AgencyPolicy> List() const;   // by agency id
  std::vector<std::string> Credentials() const;  // every kept credential's bytes, to send on

 private:
  Agencies(storage::Store& store, std::optional<storage::PublicKey> root) : store_(store), root_(root) {}
  bool IsNews(const AgencyPolicy& policy) const;  // requires mu_

  storage::Store& store_;
  const std::optional<storage::PublicKey> root_;
  mutable std::mutex mu_;
  std::map<uint64_t, std::pair<AgencyPolicy, std::string>> agencies_;  // id -> (policy, credential)
};

}  // namespace dancu::node
