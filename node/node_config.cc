#include "node/node_config.h"

#include <nlohmann/json.hpp>

#include "node/files.h"

#include "node/role.h"
#include "storage/store_layout.h"

namespace dancu::node {

namespace {
using Json = nlohmann::json;

template <size_t N>
bool ReadHexField(const Json& j, const char* name, std::array<uint8_t, N>* out) {
  return j.contains(name) && j[name].is_string() &&
         storage::FromHex(j[name].get<std::string>(), out->data(), N);
}
}  // namespace

std::string NodeIdHex(uint64_t node_id) { return storage::ToHex(storage::layout::EncodeU64(node_id)); }

Result<uint64_t> ParseNodeIdHex(std::string_view text) {
  if (text.size() != 16 || text.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return Status::InvalidArgument("a node id is 16 lowercase hex digits, as `dancu init` prints it");
  }
  return std::stoull(std::string(text), nullptr, 16);
}

Status WriteNodeConfig(const std::string& path, const NodeConfig& config) {
  Json j = {{"format", "dancu-node/1"},
            {"node_id", NodeIdHex(config.node_id)},
            {"role", RoleName(config.role)},
            {"unit", config.unit},
            {"signing_key", storage::ToHex(config.signing_key)},
            {"curve_key", storage::ToHex(config.curve_key)}};
  if (config.root_key) j["root_key"] = storage::ToHex(*config.root_key);
  return WriteFileAtomically(path, j.dump(2) + "\n");
}

Result<NodeConfig> ReadNodeConfig(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return Status::NotFound("no node at " + path + " (run dancu init)");
  Json j = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  NodeConfig config;
  std::array<uint8_t, 8> id_bytes;
  if (!j.is_object() || j.value("format", "") != "dancu-node/1" ||
      !ReadHexField(j, "node_id", &id_bytes) || !ReadHexField(j, "signing_key", &config.signing_key) ||
      !ReadHexField(j, "curve_key", &config.curve_key) || !j.contains("unit") || !j["unit"].is_string()) {
    return Status::Corruption(path + " is not a valid dancu node file");
  }
  storage::layout::DecodeU64(std::string_view(reinterpret_cast<const char*>(id_bytes.data()), 8),
                             &config.node_id);
  auto role = ParseRole(j.value("role", ""));
  if (!role) return Status::Corruption(path + ": unknown role");
  config.role = *role;
  config.unit = j["unit"].get<std::string>();
  if (j.contains("root_key")) {
    storage::PublicKey root;
    if (!ReadHexField(j, "root_key", &root)) return Status::Corruption(path + ": malformed root_key");
    config.root_key = root;
  }
  if (storage::NodeIdFromKey(config.signing_key) != config.node_id) {
    return Status::Corruption(path + ": node_id does not match signing_key");
  }
  return config;
}

}  // namespace dancu::node
