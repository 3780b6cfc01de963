#include "node/card_places.h"

#include <array>
#include <utility>
#include <vector>

#include "storage/name_fold.h"

namespace dancu::node {

namespace {

using storage::Era;
using storage::Unit;
using storage::UnitLevel;
using Part = CardPlace::Part;
using Problem = CardPlace::Problem;

// Unit types as they fold, longest first so that "thi xa" is not read as "xa".
constexpr std::array<std::string_view, 10> kTypes = {"thanh pho", "thi tran", "thi xa", "dac khu", "phuong",
                                                     "huyen", "quan", "tinh", "xa", "tp"};
constexpr std::array<std::string_view, 4> kDistrictTypes = {"huyen", "quan", "thi xa", "thanh pho"};

struct Token {
  std::string raw;     // as on the card, trimmed
  std::string folded;  // "tp ha noi" as "thanh pho ha noi"
};

std::vector<Token> Split(std::string_view text) {
  std::vector<Token> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view piece = text.substr(start, comma - start);
    while (!piece.empty() && (piece.front() == ' ' || piece.front() == '\t')) piece.remove_prefix(1);
    while (!piece.empty() && (piece.back() == ' ' || piece.back() == '\t')) piece.remove_suffix(1);
    std::string folded = storage::FoldForSearch(piece);
    if (folded.rfind("tp ", 0) == 0) folded = "thanh pho " + folded.substr(3);
    if (!folded.empty()) parts.push_back({std::string(piece), std::move(folded)});
    start = comma + 1;
  }
  return parts;
}

bool HasType(const std::string& folded, std::string_view type) {
  return folded.size() > type.size() && folded.compare(0, type.size(), type) == 0 &&
         folded[type.size()] == ' ';
}

// The unit's folded name without its type: "Thị trấn Phố Bảng" -> "pho bang".
std::string Bare(const std::string& folded) {
  for (std::string_view type : kTypes) {
    if (HasType(folded, type)) return folded.substr(type.size() + 1);
  }
  return folded;
}

// Whether the card's part names `unit`: with its type, or its bare name.
bool Names(const Token& part, const Unit& unit) {
  std::string name = storage::FoldForSearch(unit.name);
  return part.folded == name || part.folded == Bare(name);
}

bool LooksLikeDistrict(const Token& part) {
  for (std::string_view type : kDistrictTypes) {
    if (HasType(part.folded, type)) return true;
  }
  return false;
}

// A commune's or a district's type ends the text: the province is left out.
bool LooksLikeLowerUnit(const Token& part) {
  for (std::string_view type : {"xa", "phuong", "thi tran", "dac khu"}) {
    if (HasType(part.folded, type)) return true;
  }
  return LooksLikeDistrict(part);
}

std::vector<const Unit*> Matching(const Token& part, Era era, UnitLevel level, std::string_view parent) {
  std::vector<const Unit*> out;
  for (const Unit& u : storage::UnitRegistry::Get().Units(era)) {
    if (u.level == level && (parent.empty() || u.parent == parent) && Names(part, u)) out.push_back(&u);
  }
  return out;
}

std::vector<const Unit*> MatchingCommunes(const Token& part, Era era, std::string_view scope) {
  std::vector<const Unit*> out;
  for (const Unit* u : storage::UnitRegistry::Get().Communes(scope, era)) {
    if (Names(part, *u)) out.push_back(u);
  }
  return out;
}

CardPlace Unmapped(Part part, Problem problem, std::string text) {
  CardPlace p;
  p.part = part;
  p.problem = problem;
  p.text = std::move(text);
  return p;
}

CardPlace MapInEra(const std::vector<Token>& parts, Era era) {
  std::vector<const Unit*> provinces = Matching(parts.back(), era, UnitLevel::kProvince, "");
  if (provinces.empty() && LooksLikeLowerUnit(parts.back())) {
    return Unmapped(Part::kProvince, Problem::kMissing, "");
  }
  if (provinces.size() != 1) {
    return Unmapped(Part::kProvince, provinces.empty() ? Problem::kUnknown : Problem::kAmbiguous, parts.back().raw);
  }
  const std::string_view province = provinces[0]->code;
  int i = static_cast<int>(parts.size()) - 2;
  if (i < 0) return Unmapped(Part::kCommune, Problem::kMissing, "");
  const bool typed_district = LooksLikeDistrict(parts[i]);
  std::string_view scope = province;
  if (era == Era::k2023) {
    // A district, typed ("Huyện Đồng Văn") or not ("Đồng Văn" with a commune before it).
    std::vector<const Unit*> districts = Matching(parts[i], era, UnitLevel::kDistrict, province);
    if (typed_district && districts.size() != 1) {
      return Unmapped(Part::kDistrict, districts.empty() ? Problem::kUnknown : Problem::kAmbiguous, parts[i].raw);
    }
    if (districts.size() == 1 && (typed_district || i >= 1)) {
      if (i == 0) return Unmapped(Part::kCommune, Problem::kMissing, "");
      // An untyped name that is a district's and a commune's ("Đồng Văn"): the commune, if no
      // commune of that district comes before it.
      if (typed_district || !MatchingCommunes(parts[i - 1], era, districts[0]->code).empty()) {
        scope = districts[0]->code;
        --i;
      }
    }
  } else if (typed_district) {
    // The 2025 units have no districts: a card written before the reform names one anyway.
    if (--i < 0) return Unmapped(Part::kCommune, Problem::kMissing, "");
  }
  std::vector<const Unit*> communes = MatchingCommunes(parts[i], era, scope);
  if (communes.size() != 1) {
    return Unmapped(Part::kCommune, communes.empty() ? Problem::kUnknown : Problem::kAmbiguous, parts[i].raw);
  }
  CardPlace mapped;
  mapped.unit = std::string(communes[0]->code);
  mapped.era = era;
  for (int j = 0; j < i; ++j) mapped.address += (j ? ", " : "") + parts[j].raw;
  return mapped;
}

const char* PartName(Part part) {
  switch (part) {
    case Part::kProvince: return "province";
    case Part::kDistrict: return "district";
    case Part::kCommune: return "commune";
    case Part::kNone: break;
  }
  return "";
}

const char* ProblemName(Problem problem) {
  switch (problem) {
    case Problem::kMissing: return "missing";
    case Problem::kUnknown: return "unknown";
    case Problem::kAmbiguous: return "ambiguous";
    case Problem::kNone: break;
  }
  return "";
}

}  // namespace

CardPlace MapCardPlace(std::string_view card_text, Era preferred) {
  std::vector<Token> parts = Split(card_text);
  if (parts.empty()) return {};
  const Era other = preferred == Era::k2023 ? Era::k2025 : Era::k2023;
  CardPlace first = MapInEra(parts, preferred);
  if (!first.unit.empty()) return first;
  CardPlace second = MapInEra(parts, other);
  if (!second.unit.empty()) return second;
  // Neither era maps it: say what the era that got further did not recognise.
  auto further = [](const CardPlace& p) { return std::pair(p.part, p.problem == Problem::kAmbiguous); };
  return further(second) > further(first) ? second : first;
}

Era NodeEra(std::string_view node_unit) {
  const auto& units = storage::UnitRegistry::Get();
  const bool only_2025 = units.Find(node_unit, Era::k2025) && !units.Find(node_unit, Era::k2023);
  return only_2025 ? Era::k2025 : Era::k2023;
}

nlohmann::json CardPlaceToJson(const CardPlace& place) {
  if (!place.unit.empty()) return {{"unit", place.unit}, {"address", place.address}};
  if (place.problem == Problem::kNone) return nlohmann::json::object();
  return {{"problem", {{"part", PartName(place.part)}, {"reason", ProblemName(place.problem)},
                       {"text", place.text}}}};
}

}  // namespace dancu::node
