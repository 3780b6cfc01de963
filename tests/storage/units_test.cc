// UnitRegistry over the compiled-in administrative units (storage/units.h).
#include "storage/units.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

namespace dancu::storage {
namespace {

// The unit's name or code, "(none)" for nullptr: failed lookups fail a CHECK, not the process.
std::string_view NameOf(const Unit* unit) { return unit ? unit->name : "(none)"; }
std::string_view CodeOf(const Unit* unit) { return unit ? unit->code : "(none)"; }

size_t CountLevel(Era era, UnitLevel level) {
  const auto units = UnitRegistry::Get().Units(era);
  return static_cast<size_t>(
      std::count_if(units.begin(), units.end(), [&](const Unit& u) { return u.level == level; }));
}

TEST_CASE("the 2023 units are 63 provinces, 705 districts and 10,599 communes", "[units]") {
  CHECK(CountLevel(Era::k2023, UnitLevel::kProvince) == 63);
  CHECK(CountLevel(Era::k2023, UnitLevel::kDistrict) == 705);
  CHECK(CountLevel(Era::k2023, UnitLevel::kCommune) == 10'599);
}

TEST_CASE("the 2025 units are 34 provinces and 3,321 communes, without districts", "[units]") {
  CHECK(CountLevel(Era::k2025, UnitLevel::kProvince) == 34);
  CHECK(CountLevel(Era::k2025, UnitLevel::kDistrict) == 0);
  CHECK(CountLevel(Era::k2025, UnitLevel::kCommune) == 3'321);
}

TEST_CASE("units are sorted by code, and codes have 2, 3 or 5 digits by level", "[units]") {
  for (Era era : {Era::k2023, Era::k2025}) {
    const auto units = UnitRegistry::Get().Units(era);
    CHECK(std::is_sorted(units.begin(), units.end(),
                         [](const Unit& a, const Unit& b) { return a.code < b.code; }));
    for (const Unit& unit : units) {
      const size_t expected = unit.level == UnitLevel::kProvince   ? 2
                              : unit.level == UnitLevel::kDistrict ? 3
                                                                   : 5;
      CHECK(unit.code.size() == expected);
      CHECK(unit.era == era);
    }
  }
}

TEST_CASE("a code names a different unit in each era", "[units]") {
  const UnitRegistry& registry = UnitRegistry::Get();
  const Unit* old_unit = registry.Find("00004", Era::k2023);
  const Unit* new_unit = registry.Find("00004", Era::k2025);
  REQUIRE(old_unit != nullptr);
  REQUIRE(new_unit != nullptr);
  CHECK(old_unit->name == "Phường Trúc Bạch");
  CHECK(old_unit->level == UnitLevel::kCommune);
  CHECK(old_unit->parent == "001");
  CHECK(new_unit->name == "Phường Ba Đình");
  CHECK(new_unit->parent == "01");
  CHECK(NameOf(registry.Find("001", Era::k2023)) == "Quận Ba Đình");
  CHECK(registry.Find("001", Era::k2025) == nullptr);
  CHECK(registry.Find("99999", Era::k2023) == nullptr);
  CHECK(registry.Find("", Era::k2023) == nullptr);
}

TEST_CASE("Exists accepts a code of either era", "[units]") {
  const UnitRegistry& registry = UnitRegistry::Get();
  CHECK(registry.Exists("001"));    // a 2023 district
  CHECK(registry.Exists("26732"));  // Đặc khu Côn Đảo, 2025 only
  CHECK(registry.Find("26732", Era::k2023) == nullptr);
  CHECK_FALSE(registry.Exists("99999"));
  CHECK_FALSE(registry.Exists("1"));
  CHECK_FALSE(registry.Exists(""));
}

TEST_CASE("ProvinceOf walks up to the province", "[units]") {
  const UnitRegistry& registry = UnitRegistry::Get();
  CHECK(NameOf(registry.ProvinceOf("00004", Era::k2023)) == "Thành phố Hà Nội");
  CHECK(CodeOf(registry.ProvinceOf("001", Era::k2023)) == "01");
  CHECK(CodeOf(registry.ProvinceOf("01", Era::k2023)) == "01");
  CHECK(NameOf(registry.ProvinceOf("00688", Era::k2023)) == "Tỉnh Hà Giang");
  CHECK(registry.ProvinceOf("00688", Era::k2025) == nullptr);  // retired in 2025
  CHECK(NameOf(registry.ProvinceOf("00691", Era::k2025)) == "Tỉnh Tuyên Quang");
  CHECK(NameOf(registry.ProvinceOf("00004", Era::k2025)) == "Thành phố Hà Nội");
  CHECK(registry.ProvinceOf("99999", Era::k2023) == nullptr);
}

TEST_CASE("Enclosing lists the unit and every unit enclosing it in either era, once", "[units]") {
  using Codes = std::vector<std::string_view>;
  const UnitRegistry& registry = UnitRegistry::Get();
  // Xã Lũng Cú: district 026 and province 02 (Hà Giang) in 2023, province 08 (Tuyên Quang) in 2025.
  CHECK(registry.Enclosing("00715") == Codes{"00715", "026", "02", "08"});
  // Phường Trúc Bạch (2023) and Phường Ba Đình (2025) share code 00004, both in province 01.
  CHECK(registry.Enclosing("00004") == Codes{"00004", "001", "01"});
  CHECK(registry.Enclosing("00001") == Codes{"00001", "001", "01"});  // no 2025 unit has this code
  CHECK(registry.Enclosing("026") == Codes{"026", "02"});
  CHECK(registry.Enclosing("02") == Codes{"02"});
  CHECK(registry.Enclosing("99999") == Codes{"99999"});
  CHECK(registry.Enclosing("") == Codes{""});
}

TEST_CASE("Communes lists the communes of a province or district", "[units]") {
  const UnitRegistry& registry = UnitRegistry::Get();
  for (Era era : {Era::k2023, Era::k2025}) {
    std::map<std::string_view, size_t> by_province;
    for (const Unit& unit : registry.Units(era)) {
      if (unit.level == UnitLevel::kCommune)
        ++by_province[CodeOf(registry.ProvinceOf(unit.code, era))];
    }
    size_t total = 0;
    for (const Unit& unit : registry.Units(era)) {
      if (unit.level != UnitLevel::kProvince) continue;
      const auto communes = registry.Communes(unit.code, era);
      CHECK(communes.size() == by_province[unit.code]);
      total += communes.size();
    }
    CHECK(total == CountLevel(era, UnitLevel::kCommune));
  }
  const auto ba_dinh = registry.Communes("001", Era::k2023);
  REQUIRE(ba_dinh.size() == 14);
  CHECK(ba_dinh.front()->code == "00001");
  CHECK(registry.Communes("00004", Era::k2023).empty());
  CHECK(registry.Communes("99", Era::k2023).empty());
}

TEST_CASE("Successors maps a 2023 commune to its 2025 commune(s)", "[units]") {
  const UnitRegistry& registry = UnitRegistry::Get();
  // Trúc Bạch went whole into the new Ba Đình, which reuses its code.
  const auto truc_bach = registry.Successors("00004");
  REQUIRE(truc_bach.size() == 1);
  CHECK(truc_bach[0].old_code == "00004");
  CHECK(NameOf(truc_bach[0].successor) == "Phường Ba Đình");
  CHECK(truc_bach[0].successor->era == Era::k2025);
  CHECK(truc_bach[0].full);

  // Ngọc Hà was split between Ba Đình and the new Ngọc Hà.
  const auto ngoc_ha = registry.Successors("00016");
  REQUIRE(ngoc_ha.size() == 2);
  CHECK(CodeOf(ngoc_ha[0].successor) == "00004");
  CHECK(CodeOf(ngoc_ha[1].successor) == "00008");
  CHECK_FALSE(ngoc_ha[0].full);
  CHECK_FALSE(ngoc_ha[1].full);

  // Provinces too: Hà Giang went into Tuyên Quang.
  const auto ha_giang = registry.Successors("02");
  REQUIRE(ha_giang.size() == 1);
  CHECK(NameOf(ha_giang[0].successor) == "Tỉnh Tuyên Quang");

  // Nguyễn Trung Trực was merged away before the reform; its code is not in the mapping.
  CHECK(registry.Successors("00010").empty());
  CHECK(registry.Successors("99999").empty());
}

TEST_CASE("every 2023 province and most 2023 communes have a 2025 successor", "[units]") {
  const UnitRegistry& registry = UnitRegistry::Get();
  size_t communes_without = 0;
  std::vector<std::string_view> across_provinces;
  for (const Unit& unit : registry.Units(Era::k2023)) {
    const auto successors = registry.Successors(unit.code);
    if (unit.level == UnitLevel::kProvince) CHECK(successors.size() == 1);
    if (unit.level == UnitLevel::kCommune && successors.empty()) ++communes_without;
    for (const UnitMerge& merge : successors) {
      // A successor lies in the 2025 province that the old province went into...
      const Unit* old_province = registry.ProvinceOf(unit.code, Era::k2023);
      const Unit* new_province = registry.ProvinceOf(merge.successor->code, Era::k2025);
      if (registry.Successors(old_province->code)[0].successor != new_province) {
        across_provinces.push_back(unit.code);
      }
    }
  }
  CHECK(communes_without == 567);  // merged away in 2023-2025 (storage/reference/README.md)
  // ...except for one row of the source mapping (storage/reference/README.md).
  CHECK(across_provinces == std::vector<std::string_view>{"30622"});
}

TEST_CASE("IsCitizenProvinceCode accepts exactly the 63 province codes with a leading 0",
          "[units]") {
  const UnitRegistry& registry = UnitRegistry::Get();
  CHECK(registry.IsCitizenProvinceCode("001"));
  CHECK(registry.IsCitizenProvinceCode("079"));
  CHECK(registry.IsCitizenProvinceCode("096"));
  CHECK_FALSE(registry.IsCitizenProvinceCode("003"));
  CHECK_FALSE(registry.IsCitizenProvinceCode("01"));
  CHECK_FALSE(registry.IsCitizenProvinceCode("101"));
  CHECK_FALSE(registry.IsCitizenProvinceCode("0001"));
  int accepted = 0;
  for (int code = 0; code < 1000; ++code) {
    std::string text = std::to_string(code);
    text.insert(0, 3 - text.size(), '0');
    accepted += registry.IsCitizenProvinceCode(text);
  }
  CHECK(accepted == 63);
}

}  // namespace
}  // namespace dancu::storage
