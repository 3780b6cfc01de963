// The node's public description on disk: DATA_DIR/node.json.
//
// Written once by `dancu init`; `dancu cert install` adds the pinned root key. Readable by anyone
// (it holds public keys only). Value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "node/identity.capnp.h"
#include "storage/crypto.h"
#include "storage/status.h"

namespace dancu::node {

struct NodeConfig {
  uint64_t node_id = 0;
  schema::Role role = schema::Role::COMMUNE;
  std::string unit;
  storage::PublicKey signing_key{};
  std::array<uint8_t, 32> curve_key{};
  std::optional<storage::PublicKey> root_key;  // central's key, pinned at certificate install
};

Status WriteNodeConfig(const std::string& path, const NodeConfig& config);
Result<NodeConfig> ReadNodeConfig(const std::string& path);

std::string NodeIdHex(uint64_t node_id);  // 16 lowercase hex digits
// The node id NodeIdHex wrote; InvalidArgument for anything but 16 lowercase hex digits.
Result<uint64_t> ParseNodeIdHex(std::string_view text);

}  // namespace dancu::node
