#include "storage/store_layout.h"

namespace dancu::storage::layout {

std::string EncodeU64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

bool DecodeU64(std::string_view bytes, uint64_t* v) {
  if (bytes.size() != 8) return false;
  uint64_t out = 0;
  for (char c : bytes) out = (out << 8) | static_cast<uint8_t>(c);
  *v = out;
  return true;
}

std::string LogKey(uint64_t origin, uint64_t seq) { return EncodeU64(origin) + EncodeU64(seq); }

bool ParseLogKey(std::string_view key, uint64_t* origin, uint64_t* seq) {
  return key.size() == 16 && DecodeU64(key.substr(0, 8), origin) && DecodeU64(key.substr(8), seq);
}

std::string TreeKey(uint64_t origin, uint32_t level, uint64_t index) {
  return EncodeU64(origin) + static_cast<char>(level) + EncodeU64(index);
}

std::string TallyKey(std::string_view unit) { return std::string(kTallyPrefix) + std::string(unit); }

std::string UnitOriginPrefix(std::string_view unit) {
  return std::string(kUnitOriginPrefix) + std::string(unit) + "/";
}

std::string UnitOriginKey(std::string_view unit, uint64_t origin) { return UnitOriginPrefix(unit) + EncodeU64(origin); }

bool ParseUnitOriginKey(std::string_view key, std::string* unit, uint64_t* origin) {
  if (!key.starts_with(kUnitOriginPrefix) || key.size() < kUnitOriginPrefix.size() + 1 + 8) return false;
  const std::string_view rest = key.substr(kUnitOriginPrefix.size());
  const size_t slash = rest.size() - 9;
  if (rest[slash] != '/') return false;
  unit->assign(rest.substr(0, slash));
  return DecodeU64(rest.substr(slash + 1), origin);
}

}  // namespace dancu::storage::layout
