#include "replication/curve.h"

#include <sodium.h>

#include "storage/crypto.h"

namespace dancu::replication {

CurveKeyPair CurveKeyPair::Generate() {
  storage::EnsureSodium();
  CurveKeyPair pair;
  crypto_box_keypair(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

CurveKeyPair CurveKeyPair::FromSecret(const CurveKey& secret) {
  storage::EnsureSodium();
  CurveKeyPair pair;
  pair.secret_key = secret;
  crypto_scalarmult_base(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

CurveKeyPair::CurveKeyPair(CurveKeyPair&& other) noexcept
    : public_key(other.public_key), secret_key(other.secret_key) {
  sodium_memzero(other.secret_key.data(), other.secret_key.size());
}

CurveKeyPair& CurveKeyPair::operator=(CurveKeyPair&& other) noexcept {
  if (this != &other) {
    public_key = other.public_key;
    secret_key = other.secret_key;
    sodium_memzero(other.secret_key.data(), other.secret_key.size());
  }
  return *this;
}

CurveKeyPair::~CurveKeyPair() { sodium_memzero(secret_key.data(), secret_key.size()); }

}  // namespace dancu::replication
