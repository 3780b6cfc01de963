#include "tools/gen/names.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "tools/gen/names_data.h"

namespace dancu::tools::gen {

namespace {

using Share = Weighted<std::string_view>;

// Family names of the Kinh majority and their shares in per mille: the approximate national
// frequencies (tools/gen/README.md). Hoàng and Vũ are spelled Huỳnh and Võ in the south.
struct KinhFamilyName {
  std::string_view north;
  std::string_view south;
  int per_mille;
};
constexpr KinhFamilyName kKinhFamilyNames[] = {
    {"Nguyễn", "Nguyễn", 380}, {"Trần", "Trần", 110}, {"Lê", "Lê", 95},
    {"Phạm", "Phạm", 70},      {"Hoàng", "Huỳnh", 50}, {"Phan", "Phan", 45},
    {"Vũ", "Võ", 40},          {"Đặng", "Đặng", 20},  {"Bùi", "Bùi", 20},
    {"Đỗ", "Đỗ", 14},          {"Hồ", "Hồ", 13},      {"Ngô", "Ngô", 13},
    {"Dương", "Dương", 10},    {"Lý", "Lý", 5},       {"Đinh", "Đinh", 10},
    {"Trương", "Trương", 10},  {"Đoàn", "Đoàn", 8},   {"Lâm", "Lâm", 8},
    {"Mai", "Mai", 8},         {"Trịnh", "Trịnh", 8}, {"Lương", "Lương", 7},
    {"Cao", "Cao", 7},         {"Hà", "Hà", 7},       {"Lưu", "Lưu", 6},
    {"Tô", "Tô", 5},           {"Tạ", "Tạ", 5},       {"Thái", "Thái", 5},
    {"Châu", "Châu", 5},       {"Chu", "Chu", 4},     {"Kiều", "Kiều", 3},
    {"Quách", "Quách", 3},     {"Triệu", "Triệu", 3}, {"Từ", "Từ", 3},
};
constexpr int SumOfShares() {
  int sum = 0;
  for (const KinhFamilyName& name : kKinhFamilyNames) sum += name.per_mille;
  return sum;
}
static_assert(SumOfShares() == 1000);

// kKinhFamilyNames as shares, in the northern or the southern spelling.
constexpr auto KinhShares(bool southern) {
  std::array<Share, std::size(kKinhFamilyNames)> shares{};
  for (size_t i = 0; i < shares.size(); ++i) {
    const KinhFamilyName& name = kKinhFamilyNames[i];
    shares[i] = {southern ? name.south : name.north, static_cast<double>(name.per_mille)};
  }
  return shares;
}
constexpr auto kKinhNorth = KinhShares(false);
constexpr auto kKinhSouth = KinhShares(true);

// Common family names of the northern minority groups, by relative weight.
constexpr Share kTay[] = {{"Hoàng", 20}, {"Nông", 18}, {"Lương", 12}, {"Hà", 10}, {"Triệu", 8},
                          {"Ma", 8},     {"Lý", 8},    {"Đàm", 6},    {"La", 5},  {"Vi", 5}};
constexpr Share kThai[] = {{"Lò", 22}, {"Lường", 16}, {"Cầm", 14}, {"Quàng", 12},
                           {"Vi", 10}, {"Hà", 10},    {"Tòng", 8}, {"Điêu", 8}};
constexpr Share kMuong[] = {{"Bùi", 40}, {"Đinh", 25}, {"Quách", 12},
                            {"Hà", 10},  {"Xa", 8},    {"Cao", 5}};
constexpr Share kNung[] = {{"Hoàng", 22}, {"Nông", 18}, {"Lương", 12}, {"Vi", 10}, {"Lăng", 10},
                           {"Triệu", 8},  {"Chu", 8},   {"Mã", 6},     {"Lý", 6}};
constexpr Share kHmong[] = {{"Giàng", 20}, {"Vàng", 18}, {"Sùng", 14}, {"Thào", 12}, {"Lý", 10},
                            {"Lầu", 8},    {"Mùa", 8},   {"Hầu", 5},   {"Cứ", 5}};
constexpr Share kDao[] = {{"Triệu", 30}, {"Bàn", 20},  {"Đặng", 18},
                          {"Lý", 12},    {"Chảo", 10}, {"Phùng", 10}};

// The family names of ethnic group `code` in the north or the south: those of the Kinh for every
// group but the six northern minorities.
std::span<const Share> FamilyNames(uint8_t code, bool southern) {
  switch (code) {
    case 2: return kTay;
    case 3: return kThai;
    case 6: return kMuong;
    case 7: return kNung;
    case 8: return kHmong;
    case 9: return kDao;
    default: return southern ? std::span<const Share>(kKinhSouth) : kKinhNorth;
  }
}

// The share of people born in `birth_year` whose middle name is the old-style Văn (men) or Thị
// (women): most of those born before 1950, few of those born since 2005.
double OldStyleShare(schema::Sex sex, int birth_year) {
  struct Band {
    int born_before;
    double men;
    double women;
  };
  constexpr Band kBands[] = {
      {1950, 0.80, 0.85}, {1970, 0.65, 0.75}, {1990, 0.45, 0.55}, {2005, 0.20, 0.30},
      {INT_MAX, 0.05, 0.10}};
  for (const Band& band : kBands) {
    if (birth_year < band.born_before) return sex == schema::Sex::FEMALE ? band.women : band.men;
  }
  return 0;
}

// The names of `list`, one a line, trimmed. The source writes Đ as the look-alike Ð (U+00D0,
// Icelandic eth) in many names ("Ðức"): those are read as Đ (U+0110).
std::vector<std::string> ReadNameList(std::string_view list, const char* file) {
  constexpr std::string_view kEth = "Ð";
  constexpr std::string_view kDStroke = "Đ";
  std::vector<std::string> names;
  while (!list.empty()) {
    const size_t end = std::min(list.find('\n'), list.size());
    std::string_view line = list.substr(0, end);
    list.remove_prefix(std::min(end + 1, list.size()));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty()) continue;
    std::string name(line);
    for (size_t at = name.find(kEth); at != std::string::npos; at = name.find(kEth, at)) {
      name.replace(at, kEth.size(), kDStroke);
    }
    names.push_back(std::move(name));
  }
  if (names.empty()) {
    std::fprintf(stderr, "dancu: compiled-in name list %s is empty\n", file);
    std::abort();
  }
  return names;
}

}  // namespace

const Names& Names::Get() {
  static const Names names;
  return names;
}

Names::Names()
    : boy_(ReadNameList(data::kBoyNames, "boy.txt")),
      girl_(ReadNameList(data::kGirlNames, "girl.txt")) {}

std::string_view Names::FamilyName(uint8_t ethnicity, bool southern, Random& random) const {
  return random.PickWeighted(FamilyNames(ethnicity, southern));
}

std::string Names::MiddleAndGiven(schema::Sex sex, int birth_year, Random& random) const {
  const bool female = sex == schema::Sex::FEMALE;
  const std::string& name = random.Pick(std::span<const std::string>(female ? girl_ : boy_));
  if (!random.Chance(OldStyleShare(sex, birth_year))) return name;
  const std::string_view given = std::string_view(name).substr(name.rfind(' ') + 1);
  return (female ? "Thị " : "Văn ") + std::string(given);
}

}  // namespace dancu::tools::gen
