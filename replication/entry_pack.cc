#include "replication/entry_pack.h"

#include <cstdint>

namespace dancu::replication {

namespace {

// The most LEB128 bytes a length of a packed entry may take (lengths below 2^35).
constexpr size_t kMaxLengthBytes = 5;

// Reads a minimal LEB128 value at `pos`, advancing it; false on a truncated, over-long or
// non-minimal encoding.
bool ReadLength(std::string_view packed, size_t& pos, uint64_t& value) {
  value = 0;
  for (size_t i = 0; i < kMaxLengthBytes && pos < packed.size(); ++i) {
    auto byte = static_cast<uint8_t>(packed[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return i == 0 || byte != 0;  // a final zero byte is not minimal
  }
  return false;
}

}  // namespace

void PackEntry(std::string_view entry, std::string& out) {
  uint64_t n = entry.size();
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  out.append(entry);
}

Result<std::vector<std::string_view>> UnpackEntries(std::string_view packed, size_t count) {
  std::vector<std::string_view> entries;
  size_t pos = 0;
  while (pos < packed.size()) {
    std::string where = "packed entry " + std::to_string(entries.size());
    if (entries.size() == count) {
      return Status::Corruption(where + ": more entries than the " + std::to_string(count) + " stated");
    }
    uint64_t length = 0;
    if (!ReadLength(packed, pos, length)) {
      return Status::Corruption(where + ": length prefix is truncated or not minimal LEB128");
    }
    if (length == 0) return Status::Corruption(where + ": length is zero");
    if (length > packed.size() - pos) {
      return Status::Corruption(where + ": length " + std::to_string(length) + " runs past the end (" +
                                std::to_string(packed.size() - pos) + " bytes left)");
    }
    entries.push_back(packed.substr(pos, length));
    pos += length;
  }
  if (entries.size() != count) {
    return Status::Corruption("packed entries: " + std::to_string(entries.size()) + " found, " +
                              std::to_string(count) + " stated");
  }
  return entries;
}

}  // namespace dancu::replication
