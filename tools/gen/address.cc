#include "tools/gen/address.h"

#include <span>
#include <string_view>

namespace dancu::tools::gen {

namespace {

struct Style {
  std::string_view kind;                  // "Thôn", "Tổ dân phố", ...
  std::span<const std::string_view> names;  // names of hamlets; empty: hamlets are numbered
  bool house_numbers;
};

constexpr std::string_view kThonNames[] = {
    "Đông",      "Đoài",     "Trung",    "Thượng",   "Hạ",         "Bắc",       "Nam",
    "Tân Lập",   "Tiền Phong", "Phú Mỹ", "Hòa Bình", "Đồng Tâm",   "Quyết Tiến", "Thống Nhất"};
constexpr std::string_view kBanNames[] = {
    "Nà Tấu",  "Huổi Lóng", "Pá Vạt",  "Co Mạ",    "Phiêng Lằn", "Nậm Cang", "Hua Pe",
    "Nà Sản",  "Pú Nhung",  "Huổi Một", "Nong Bua", "Na Son",     "Hát Lót",  "Bó Mạy"};
constexpr std::string_view kXomNames[] = {
    "Chợ", "Đình", "Mới", "Trại", "Bãi", "Giữa", "Đồng", "Núi", "Cầu", "Chùa", "Ao", "Gò", "Bến",
    "Rừng"};
constexpr std::string_view kApNames[] = {
    "Tân Hòa",  "Phú Thạnh", "Long Hưng", "Bình An",   "Mỹ Lợi",    "Thạnh Phú", "Hòa Thuận",
    "An Phú",   "Tân Thới",  "Vĩnh Lợi",  "Phước Hòa", "Bình Thạnh", "Long Thạnh", "Tân Phú"};

Style StyleOf(const Locality& where) {
  const int province = where.ProvinceNumber();
  const bool south = province >= 70;  // Bình Phước (70) to Cà Mau (96)
  const std::string_view name = where.commune->name;
  if (name.starts_with("Phường ") || name.starts_with("Thị trấn ")) {
    return {south ? "Khu phố" : "Tổ dân phố", {}, true};
  }
  if (south) return {"Ấp", kApNames, false};
  switch (province) {
    case 10: case 11: case 12: case 14:  // Lào Cai, Điện Biên, Lai Châu, Sơn La
      return {"Bản", kBanNames, false};
    case 17: case 19: case 40:  // Hòa Bình, Thái Nguyên, Nghệ An
      return {"Xóm", kXomNames, false};
    default:
      return {"Thôn", kThonNames, false};
  }
}

// FNV-1a: a hash of the commune code that is the same on every platform.
uint64_t HashOf(std::string_view code) {
  uint64_t hash = 0xcbf29ce484222325;
  for (char c : code) hash = (hash ^ static_cast<uint8_t>(c)) * 0x100000001b3;
  return hash;
}

}  // namespace

std::string AddressIn(const Locality& where, Random& random) {
  const Style style = StyleOf(where);
  Random commune_random(HashOf(where.commune->code));  // the commune's own hamlets
  const int hamlets = commune_random.Between(4, 14);
  const bool named = !style.names.empty() && commune_random.Chance(0.5);
  const size_t first_name = named ? commune_random.Below(style.names.size()) : 0;

  const int hamlet = random.Between(0, hamlets - 1);
  std::string address;
  if (style.house_numbers) address = "Số " + std::to_string(random.Between(1, 250)) + ", ";
  address += std::string(style.kind) + " ";
  address += named ? std::string(style.names[(first_name + static_cast<size_t>(hamlet)) %
                                             style.names.size()])
                   : std::to_string(hamlet + 1);
  return address + ", " + std::string(where.commune->name);
}

}  // namespace dancu::tools::gen
