#include "node/officers.h"

#include <sodium.h>

#include "storage/crypto.h"
#include "storage/officer_role.h"

namespace dancu::node {

namespace {
constexpr std::string_view kPrefix = "officer/";
constexpr std::string_view kRolePrefix = "officer-role/";
// OWASP's recommended argon2id floor (19 MiB, 2 passes): a login costs tens of milliseconds on a
// commune laptop and keeps the node's peak memory low.
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 19u << 20;

bool ValidName(const std::string& name) {
  if (name.size() < 2 || name.size() > 32) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The hash an unknown name's password is checked against, so that an unknown name costs what a
// known one does and the answer's timing does not tell names apart.
const std::string& DummyHash() {
  static const std::string hash = [] {
    char out[crypto_pwhash_STRBYTES] = "";
    const std::string password = "no officer has this password";
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
      return std::string();  // out of memory: no dummy, and no equal time either
    }
    return std::string(out);
  }();
  return hash;
}

std::string Described(const Officer& officer) {
  return "officer " + officer.name + " is a " + storage::OfficerRoleName(officer.role);
}

bool Manages(schema::OfficerRole role) {
  return role == schema::OfficerRole::CHIEF || role == schema::OfficerRole::OPERATOR;
}

Status CheckRoleExists(schema::OfficerRole role, bool hub) {
  if (storage::RoleExistsOn(role, hub)) return Status::Ok();
  return Status::InvalidArgument(std::string("a ") + (hub ? "hub's" : "commune's") + " officer is " +
                                 (hub ? "a clerk or an operator" : "a clerk or a chief") + ", not " +
                                 storage::OfficerRoleName(role));
}

// The account of `name` as stored; NotFound when there is none.
Result<Officer> FindOfficer(const storage::Store& store, const std::string& name) {
  auto account = store.GetMeta(std::string(kPrefix) + name);
  if (!account.ok()) return account.status();
  if (!account->has_value()) return Status::NotFound("no officer " + name + " on this node");
  auto role = OfficerRoleOf(store, name);
  if (!role.ok()) return role.status();
  return Officer{name, *role};
}

// FailedPrecondition when `officer` is the node's only manager and is about to stop being one.
Status CheckNotLastManager(const storage::Store& store, const Officer& officer, std::string_view what) {
  if (!Manages(officer.role)) return Status::Ok();
  auto officers = ListOfficers(store);
  if (!officers.ok()) return officers.status();
  for (const Officer& other : *officers) {
    if (other.name != officer.name && Manages(other.role)) return Status::Ok();
  }
  return Status::FailedPrecondition(Described(officer) + ", the node's last one to manage officers: " +
                                    std::string(what) + " only after another officer is given that role");
}
}  // namespace

Status AddOfficer(storage::Store& store, const Officer& officer, const std::string& password, bool hub) {
  const std::string& name = officer.name;
  if (!ValidName(name)) {
    return Status::InvalidArgument("officer name must be 2-32 of a-z 0-9 . _ -");
  }
  DANCU_RETURN_IF_ERROR(CheckRoleExists(officer.role, hub));
  if (password.size() < 8) return Status::InvalidArgument("password must have at least 8 characters");
  std::string key = std::string(kPrefix) + name;
  auto existing = store.GetMeta(key);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) return Status::AlreadyExists("officer " + name + " exists already");
  storage::EnsureSodium();
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::IOError("not enough memory to hash the password");
  }
  // The role first: a crash between the two writes leaves a role without an account, which the
  // next AddOfficer of that name overwrites, never an account with another's role.
  DANCU_RETURN_IF_ERROR(store.PutMeta(std::string(kRolePrefix) + name, storage::OfficerRoleName(officer.role)));
  return store.PutMeta(key, hash);
}

Status CheckOfficer(const storage::Store& store, const std::string& name, const std::string& password) {
  const Status denied = Status::PermissionDenied("unknown officer or wrong password");
  auto hash = store.GetMeta(std::string(kPrefix) + name);
  if (!hash.ok()) return hash.status();
  storage::EnsureSodium();
  const std::string& stored = hash->has_value() ? **hash : DummyHash();
  if (crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) != 0 ||
      !hash->has_value()) {
    return denied;
  }
  return Status::Ok();
}

Result<schema::OfficerRole> OfficerRoleOf(const storage::Store& store, const std::string& name) {
  auto stored = store.GetMeta(std::string(kRolePrefix) + name);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return schema::OfficerRole::CLERK;
  auto role = storage::ParseOfficerRole(**stored);
  if (!role) return Status::Corruption("officer " + name + " has an unknown role " + **stored);
  return *role;
}

Result<std::vector<Officer>> ListOfficers(const storage::Store& store) {
  std::vector<Officer> officers;
  DANCU_RETURN_IF_ERROR(store.ScanMeta(kPrefix, [&](std::string_view key, std::string_view) {
    officers.push_back({std::string(key.substr(kPrefix.size()))});
    return true;
  }));
  for (Officer& officer : officers) {
    auto role = OfficerRoleOf(store, officer.name);
    if (!role.ok()) return role.status();
    officer.role = *role;
  }
  return officers;
}

Status SetOfficerRole(storage::Store& store, const Officer& officer, bool hub) {
  DANCU_RETURN_IF_ERROR(CheckRoleExists(officer.role, hub));
  auto current = FindOfficer(store, officer.name);
  if (!current.ok()) return current.status();
  if (current->role == officer.role) return Status::Ok();
  if (!Manages(officer.role)) DANCU_RETURN_IF_ERROR(CheckNotLastManager(store, *current, "they can be made a clerk"));
  return store.PutMeta(std::string(kRolePrefix) + officer.name, storage::OfficerRoleName(officer.role));
}

Status RemoveOfficer(storage::Store& store, const std::string& name) {
  auto current = FindOfficer(store, name);
  if (!current.ok()) return current.status();
  DANCU_RETURN_IF_ERROR(CheckNotLastManager(store, *current, "they can be removed"));
  // The account first: a crash between the two deletes leaves a role without an account, which
  // gives no one a login and which the next AddOfficer of that name overwrites.
  DANCU_RETURN_IF_ERROR(store.DeleteMeta(std::string(kPrefix) + name));
  return store.DeleteMeta(std::string(kRolePrefix) + name);
}

Status CheckMayManageOfficers(const Officer& officer) {
  if (Manages(officer.role)) return Status::Ok();
  return Status::PermissionDenied(Described(officer) + ": only a chief or an operator manages officers");
}

Status CheckMayDecide(const Officer& officer, bool hub) {
  if (storage::MayDecide(officer.role, hub)) return Status::Ok();
  return Status::PermissionDenied(Described(officer) + (hub ? "" : " at a commune") +
                                  ": only an operator of a district, province or central node decides the "
                                  "review queue");
}

}  // namespace dancu::node
