#include "storage/conflict_key.h"

#include <utility>

#include "storage/crypto.h"
#include "storage/store_layout.h"

namespace dancu::storage {

std::string ConflictId(std::string_view record_id, uint32_t what, VersionRef a, VersionRef b) {
  if (std::pair(b.origin, b.seq) < std::pair(a.origin, a.seq)) std::swap(a, b);
  std::string material = "dancu/conflict/v1";
  material += layout::EncodeU64(record_id.size());
  material += record_id;
  material += layout::EncodeU64(what);
  for (const VersionRef& v : {a, b}) {
    material += layout::EncodeU64(v.origin);
    material += layout::EncodeU64(v.seq);
  }
  Hash256 hash = Blake2b256(material);
  return ToHex(std::string_view(reinterpret_cast<const char*>(hash.data()), 8));
}

std::string ConflictPrefix(std::string_view record_id) {
  std::string prefix(record_id);
  prefix.push_back('\0');
  return prefix;
}

std::string ConflictKey(std::string_view record_id, std::string_view conflict_id) {
  return ConflictPrefix(record_id) + std::string(conflict_id);
}

}  // namespace dancu::storage
