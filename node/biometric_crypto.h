// How biometric data (fingerprint templates, photos) is protected: encrypted at rest with the
// node's data key, and sealed to central's key for replication.
//
//   at rest   XChaCha20-Poly1305-IETF (libsodium crypto_aead_xchacha20poly1305_ietf) under the
//             node data key (node/key_file.h), a fresh random 24-byte nonce per blob, and as
//             associated data the record id and the part: a blob moved to another record or
//             finger does not decrypt. Layout: version (1) || nonce (24) || ciphertext || tag (16).
//   sealed    crypto_box_seal to central's Curve25519 public key (the curve key of the root
//             certificate of the installed chain): an ephemeral sender key, so only central's
//             secret key opens it; districts and provinces store and forward it unread. The sealed
//             plaintext starts with a header naming the record and the part, which opening checks.
//             The record's summary names each sealed blob by its BLAKE2b-256 (SealedHash), and the
//             change that does so is signed into the log: a swapped or altered blob is detected.
//
// Errors say what failed, never what the data holds. Thread-safe (libsodium, no shared state).
#pragma once

#include <string>
#include <string_view>

#include "node/biometric_parts.h"
#include "node/key_file.h"
#include "storage/crypto.h"
#include "storage/status.h"

namespace dancu::node {

// Biometric plaintext: move-only, wiped from memory when destroyed, and with no way to print it.
class BiometricData {
 public:
  BiometricData() = default;
  explicit BiometricData(std::string bytes) : bytes_(std::move(bytes)) {}
  BiometricData(BiometricData&& other) noexcept;
  BiometricData& operator=(BiometricData&& other) noexcept;
  BiometricData(const BiometricData&) = delete;
  BiometricData& operator=(const BiometricData&) = delete;
  ~BiometricData();

  std::string_view bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

 private:
  void Wipe();
  std::string bytes_;
};

std::string EncryptAtRest(const DataKey& key, std::string_view record_id, BiometricPart part,
                          std::string_view plain);
// Corruption if the blob is malformed or altered, belongs to another record or part, or was
// encrypted under another node's key.
Result<BiometricData> DecryptAtRest(const DataKey& key, std::string_view record_id,
                                    BiometricPart part, std::string_view blob);

std::string SealForCentral(const storage::PublicKey& central_curve_key, std::string_view record_id,
                           BiometricPart part, std::string_view plain);
// Central opens a sealed blob with its own secrets. Corruption if the blob was altered or was not
// sealed to `central`'s key (a district's or province's secrets cannot open it), or if it names
// another record or part.
Result<BiometricData> OpenSealedBiometric(const NodeSecrets& central, std::string_view record_id,
                                          BiometricPart part, std::string_view sealed);

// The content hash that the record's summary keeps for a sealed blob.
inline storage::Hash256 SealedHash(std::string_view sealed) { return storage::Blake2b256(sealed); }

}  // namespace dancu::node
