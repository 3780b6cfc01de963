#include "tools/gen/ethnic_mix.h"

#include <array>

namespace dancu::tools::gen {

namespace {

// Kinh, Tày, Thái, Mường, Nùng, Hmông, Dao.
constexpr std::array<uint8_t, 7> kGroups = {1, 2, 3, 6, 7, 8, 9};

struct ProvinceMix {
  std::string_view province;
  std::array<int, 7> percent;  // by kGroups
};

// Percentages by province (2019 census, rounded, smaller groups folded in).
constexpr ProvinceMix kMixes[] = {
    //         Kinh Tày Thái Mường Nùng Hmông Dao
    {"02", {13, 25, 0, 0, 10, 35, 17}},   // Hà Giang
    {"04", {6, 42, 0, 0, 32, 10, 10}},    // Cao Bằng
    {"06", {14, 55, 0, 0, 10, 7, 14}},    // Bắc Kạn
    {"08", {52, 28, 0, 0, 3, 3, 14}},     // Tuyên Quang
    {"10", {35, 16, 0, 0, 5, 28, 16}},    // Lào Cai
    {"11", {20, 0, 39, 0, 0, 39, 2}},     // Điện Biên
    {"12", {17, 2, 37, 0, 0, 28, 16}},    // Lai Châu
    {"14", {17, 0, 55, 8, 0, 17, 3}},     // Sơn La
    {"15", {47, 20, 7, 4, 0, 11, 11}},    // Yên Bái
    {"17", {28, 3, 4, 63, 0, 0, 2}},      // Hòa Bình
    {"19", {78, 12, 0, 0, 6, 1, 3}},      // Thái Nguyên
    {"20", {17, 36, 0, 0, 43, 0, 4}},     // Lạng Sơn
    {"24", {89, 4, 0, 0, 5, 0, 2}},       // Bắc Giang
    {"25", {85, 0, 0, 14, 0, 0, 1}},      // Phú Thọ
    {"38", {85, 0, 6, 9, 0, 0, 0}},       // Thanh Hóa
    {"40", {87, 0, 11, 0, 0, 2, 0}},      // Nghệ An
};

constexpr bool PercentagesSumTo100() {
  for (const ProvinceMix& mix : kMixes) {
    int sum = 0;
    for (int percent : mix.percent) sum += percent;
    if (sum != 100) return false;
  }
  return true;
}
static_assert(PercentagesSumTo100());

}  // namespace

uint8_t DrawEthnicGroup(std::string_view province, Random& random) {
  for (const ProvinceMix& mix : kMixes) {
    if (mix.province != province) continue;
    int point = static_cast<int>(random.Below(100));
    for (size_t i = 0; i < kGroups.size(); ++i) {
      if (point < mix.percent[i]) return kGroups[i];
      point -= mix.percent[i];
    }
  }
  return kGroups[0];
}

}  // namespace dancu::tools::gen
