#include "node/key_file.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "node/files.h"

namespace dancu::node {

namespace {

using storage::FromHex;
using storage::ToHex;
using Json = nlohmann::json;

// argon2id cost for the key file: run once when a node process starts.
constexpr unsigned long long kOpsLimit = 3;
constexpr size_t kMemLimit = 64u << 20;
constexpr size_t kSecretBytes = 96;  // signing seed, curve secret, data key
constexpr char kFormat[] = "dancu-node-key/2";

std::string View(const uint8_t* p, size_t n) { return std::string(reinterpret_cast<const char*>(p), n); }

bool DeriveKey(const std::string& passphrase, const uint8_t* salt, uint8_t* key) {
  return crypto_pwhash(key, crypto_secretbox_KEYBYTES, passphrase.data(), passphrase.size(), salt,
                       kOpsLimit, kMemLimit, crypto_pwhash_ALG_ARGON2ID13) == 0;
}

}  // namespace

NodeSecrets NodeSecrets::Generate() {
  storage::EnsureSodium();
  std::array<uint8_t, 32> curve_secret;
  DataKey data_key;
  randombytes_buf(curve_secret.data(), curve_secret.size());
  crypto_aead_xchacha20poly1305_ietf_keygen(data_key.data());
  NodeSecrets secrets(storage::SigningKey::Generate(), curve_secret, data_key);
  sodium_memzero(curve_secret.data(), curve_secret.size());
  sodium_memzero(data_key.data(), data_key.size());
  return secrets;
}

NodeSecrets::NodeSecrets(storage::SigningKey key, const std::array<uint8_t, 32>& curve,
                         const DataKey& data)
    : signing(std::move(key)), curve_secret(curve), data_key(data) {
  crypto_scalarmult_base(curve_public.data(), curve_secret.data());
}

NodeSecrets::~NodeSecrets() {
  sodium_memzero(curve_secret.data(), curve_secret.size());
  sodium_memzero(data_key.data(), data_key.size());
}

Status WriteKeyFile(const std::string& path, const NodeSecrets& secrets,
                    const std::optional<std::string>& passphrase) {
  std::array<uint8_t, kSecretBytes> plain;
  auto seed = secrets.signing.seed();
  std::copy(seed.begin(), seed.end(), plain.begin());
  std::copy(secrets.curve_secret.begin(), secrets.curve_secret.end(), plain.begin() + 32);
  std::copy(secrets.data_key.begin(), secrets.data_key.end(), plain.begin() + 64);
  sodium_memzero(seed.data(), seed.size());

  Json file = {{"format", kFormat}};
  if (passphrase) {
    uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
    uint8_t key[crypto_secretbox_KEYBYTES];
    randombytes_buf(salt, sizeof salt);
    randombytes_buf(nonce, sizeof nonce);
    if (!DeriveKey(*passphrase, salt, key)) {
      sodium_memzero(plain.data(), plain.size());
      return Status::IOError("not enough memory to derive the key-file key");
    }
    std::array<uint8_t, kSecretBytes + crypto_secretbox_MACBYTES> sealed;
    crypto_secretbox_easy(sealed.data(), plain.data(), plain.size(), nonce, key);
    sodium_memzero(key, sizeof key);
    file["kdf"] = {{"algorithm", "argon2id13"}, {"opslimit", kOpsLimit}, {"memlimit", kMemLimit},
                   {"salt", ToHex(View(salt, sizeof salt))}};
    file["nonce"] = ToHex(View(nonce, sizeof nonce));
    file["sealed"] = ToHex(View(sealed.data(), sealed.size()));
  } else {
    file["secret"] = ToHex(View(plain.data(), plain.size()));
  }
  sodium_memzero(plain.data(), plain.size());
  return CreateFileAtomically(path, file.dump(2) + "\n", 0600);
}

Result<NodeSecrets> ReadKeyFile(const std::string& path,
                                const std::optional<std::string>& passphrase) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return Status::NotFound("no key file at " + path);
  Json file = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!file.is_object() || file.value("format", "") != kFormat) {
    return Status::Corruption(path + " is not a dancu node key file");
  }
  std::array<uint8_t, kSecretBytes> plain;
  if (file.contains("secret")) {
    if (!file["secret"].is_string() || !FromHex(file["secret"].get<std::string>(), plain.data(), plain.size())) {
      return Status::Corruption(path + ": malformed secret");
    }
  } else {
    if (!passphrase) return Status::FailedPrecondition(path + " is sealed with a passphrase; give it");
    uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES], key[crypto_secretbox_KEYBYTES];
    std::array<uint8_t, kSecretBytes + crypto_secretbox_MACBYTES> sealed;
    const Json& kdf = file.value("kdf", Json::object());
    if (!kdf.is_object() || !kdf.contains("salt") || !kdf["salt"].is_string() ||
        !file.contains("nonce") || !file["nonce"].is_string() || !file.contains("sealed") ||
        !file["sealed"].is_string() ||
        !FromHex(kdf["salt"].get<std::string>(), salt, sizeof salt) ||
        !FromHex(file["nonce"].get<std::string>(), nonce, sizeof nonce) ||
        !FromHex(file["sealed"].get<std::string>(), sealed.data(), sealed.size())) {
      return Status::Corruption(path + ": malformed sealed key");
    }
    if (!DeriveKey(*passphrase, salt, key)) return Status::IOError("not enough memory to derive the key-file key");
    int opened = crypto_secretbox_open_easy(plain.data(), sealed.data(), sealed.size(), nonce, key);
    sodium_memzero(key, sizeof key);
    if (opened != 0) return Status::PermissionDenied("wrong passphrase for " + path);
  }
  storage::Seed seed;
  std::copy(plain.begin(), plain.begin() + 32, seed.begin());
  std::array<uint8_t, 32> curve;
  std::copy(plain.begin() + 32, plain.begin() + 64, curve.begin());
  DataKey data_key;
  std::copy(plain.begin() + 64, plain.end(), data_key.begin());
  sodium_memzero(plain.data(), plain.size());
  NodeSecrets secrets(storage::SigningKey::FromSeed(seed), curve, data_key);
  sodium_memzero(seed.data(), seed.size());
  sodium_memzero(curve.data(), curve.size());
  sodium_memzero(data_key.data(), data_key.size());
  return secrets;
}

}  // namespace dancu::node
