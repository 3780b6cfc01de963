#include "node/officers.h"

#include <sodium.h>

#include "storage/crypto.h"

namespace dancu::node {

namespace {
constexpr std::string_view kPrefix = "officer/";
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
}  // namespace

Status AddOfficer(storage::Store& store, const std::string& name, const std::string& password) {
  if (!ValidName(name)) {
    return Status::InvalidArgument("officer name must be 2-32 of a-z 0-9 . _ -");
  }
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

Result<std::vector<std::string>> ListOfficers(const storage::Store& store) {
  std::vector<std::string> names;
  DANCU_RETURN_IF_ERROR(store.ScanMeta(kPrefix, [&](std::string_view key, std::string_view) {
    names.emplace_back(key.substr(kPrefix.size()));
    return true;
  }));
  return names;
}

}  // namespace dancu::node
