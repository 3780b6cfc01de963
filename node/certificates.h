// Certificates: how a parent vouches for its child, up to central's root key.
//
// A child writes a request (its NodeDescription); the parent answers with a CertificateChain: its
// own chain plus a certificate for the child, signed with the parent's key. Central's chain is one
// self-signed certificate. Both files are canonical Cap'n Proto, a few hundred bytes: they travel
// on a USB stick as well as over a link.
//
// Pure functions over bytes, thread-safe. Every parse treats its input as untrusted (limits,
// canonical form); every failure is Corruption or InvalidArgument naming the link that fails.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/key_file.h"
#include "node/node_config.h"
#include "storage/status.h"

namespace dancu::node {

// The canonical bytes of this node's request.
std::string MakeCertificateRequest(const NodeConfig& config);

// Issues a certificate for the request `request` under the parent's chain. `parent_chain` is the
// parent's installed chain bytes (for central: its self-signed root chain). InvalidArgument if the
// parent's role may not certify the child's, or the request's keys do not match its node id.
Result<std::string> IssueCertificate(const NodeConfig& parent, const NodeSecrets& parent_secrets,
                                     std::string_view parent_chain, std::string_view request,
                                     uint64_t now_ms, uint64_t valid_days);

// Central's own chain: one certificate it signs for itself.
std::string MakeRootChain(const NodeConfig& central, const NodeSecrets& secrets, uint64_t now_ms,
                          uint64_t valid_days);

struct VerifiedChain {
  storage::PublicKey root_key{};
  uint64_t leaf_node_id = 0;
  storage::PublicKey leaf_signing_key{};
  std::array<uint8_t, 32> leaf_curve_key{};
  schema::Role leaf_role = schema::Role::COMMUNE;
  std::string leaf_unit;
  std::vector<uint64_t> lineage;  // node ids from the root down to the leaf
  size_t length = 0;
};

// Checks every link of a chain at time `now_ms`: the root is self-signed (and equals
// `pinned_root` if given), each certificate is signed by the one above it, roles descend, and every
// validity window contains now.
Result<VerifiedChain> VerifyChain(std::string_view chain, const std::optional<storage::PublicKey>& pinned_root,
                                  uint64_t now_ms);

}  // namespace dancu::node
