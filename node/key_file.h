// The node's secret keys on disk: DATA_DIR/node.key, mode 0600.
//
// The file holds the Ed25519 signing seed, the CurveZMQ secret key and the node data key, as JSON. With a passphrase
// they are sealed with XChaCha20-Poly1305 (crypto_secretbox) under a key derived by argon2id from
// the passphrase and a random salt; a wrong passphrase or a tampered file fails to open with
// PermissionDenied / Corruption and reveals nothing. Without one they are stored in hex, protected
// only by the file mode.
//
// NodeSecrets owns secret material: move-only, wiped on destruction.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "storage/crypto.h"
#include "storage/status.h"

namespace dancu::node {

// The symmetric key that encrypts this node's biometric data at rest (node/biometric_crypto.h).
using DataKey = std::array<uint8_t, 32>;

struct NodeSecrets {
  storage::SigningKey signing;
  std::array<uint8_t, 32> curve_public{};
  std::array<uint8_t, 32> curve_secret{};
  DataKey data_key{};

  static NodeSecrets Generate();
  NodeSecrets(storage::SigningKey key, const std::array<uint8_t, 32>& curve_secret,
              const DataKey& data_key);
  NodeSecrets(NodeSecrets&&) noexcept = default;
  ~NodeSecrets();
};

// Writes `secrets` to `path` (created with mode 0600; fails if it exists).
Status WriteKeyFile(const std::string& path, const NodeSecrets& secrets,
                    const std::optional<std::string>& passphrase);

// Reads the key file. A sealed file needs `passphrase`: FailedPrecondition if none is given,
// PermissionDenied if it is wrong.
Result<NodeSecrets> ReadKeyFile(const std::string& path, const std::optional<std::string>& passphrase);

}  // namespace dancu::node
