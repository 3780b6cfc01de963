#include "storage/ethnicity.h"

#include <array>

namespace dancu::storage {

namespace {

// Index i holds the group with code i + 1.
constexpr std::array<std::string_view, kEthnicGroupCount> kNames = {
    "Kinh",  "Tày",     "Thái",       "Hoa",      "Khơ-me",       "Mường",    // 1-6
    "Nùng",  "Hmông",   "Dao",        "Gia-rai",  "Ngái",         "Ê-đê",     // 7-12
    "Ba-na", "Xơ-đăng", "Sán Chay",   "Cơ-ho",    "Chăm",         "Sán Dìu",  // 13-18
    "Hrê",   "Mnông",   "Ra-glai",    "Xtiêng",   "Bru-Vân Kiều", "Thổ",      // 19-24
    "Giáy",  "Cơ-tu",   "Gié-Triêng", "Mạ",       "Khơ-mú",       "Co",       // 25-30
    "Tà-ôi", "Chơ-ro",  "Kháng",      "Xinh-mun", "Hà Nhì",       "Chu-ru",   // 31-36
    "Lào",   "La Chí",  "La Ha",      "Phù Lá",   "La Hủ",        "Lự",       // 37-42
    "Lô Lô", "Chứt",    "Mảng",       "Pà Thẻn",  "Cơ Lao",       "Cống",     // 43-48
    "Bố Y",  "Si La",   "Pu Péo",     "Brâu",     "Ơ Đu",         "Rơ-măm"    // 49-54
};

}  // namespace

std::string_view EthnicGroupName(unsigned code) {
  return code >= 1 && code <= kEthnicGroupCount ? kNames[code - 1] : std::string_view();
}

}  // namespace dancu::storage
