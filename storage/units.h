// Vietnam's administrative units before and after the 1 July 2025 reform, by GSO code, compiled in
// from storage/reference/ (sources and caveats in storage/reference/README.md).
//
// Codes: 2 digits for a province, 3 for a district, 5 for a commune. The 2025 units reuse 2023
// codes for different units ("00004" is Phường Trúc Bạch in 2023 and Phường Ba Đình in 2025), so
// a code names a unit only together with its era.
//
// Thread-safety: Get() builds the registry on first use (thread-safe); it is immutable afterwards
// and every method may be called concurrently.
// Lifetime: every pointer, span and string_view returned lives as long as the program.
// Errors: unknown codes give nullptr, false or an empty span; nothing throws. Malformed compiled-in
// data (a build defect, caught by tests/storage/units_test) aborts the process on first use.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace dancu::storage {

enum class Era : uint8_t {
  k2023,  // 63 provinces, 705 districts, 10,599 communes (the units before the reform)
  k2025,  // 34 provinces, 3,321 communes, no districts (from 1 July 2025)
};

enum class UnitLevel : uint8_t { kProvince, kDistrict, kCommune };

struct Unit {
  Era era;
  UnitLevel level;
  std::string_view code;
  std::string_view parent;  // code of the enclosing unit of the same era; empty for a province
  std::string_view name;    // with its type, NFC: "Phường Trúc Bạch", "Tỉnh Hà Giang"
};

// One row of the 2025 reform's mapping: the old unit `old_code` went, wholly or in part, into the
// 2025 unit `successor`.
struct UnitMerge {
  std::string_view old_code;
  const Unit* successor;
  bool full;  // the whole old unit went into `successor`; false: only part of it
};

class UnitRegistry {
 public:
  static const UnitRegistry& Get();

  UnitRegistry(const UnitRegistry&) = delete;
  UnitRegistry& operator=(const UnitRegistry&) = delete;
  ~UnitRegistry();

  // All units of `era`, sorted by code.
  std::span<const Unit> Units(Era era) const;

  // The unit with `code` in `era`, or nullptr.
  const Unit* Find(std::string_view code, Era era) const;

  // Whether `code` names a unit in either era.
  bool Exists(std::string_view code) const;

  // The province of `era` that contains the unit `code` (the unit itself when it is a province),
  // or nullptr when `code` is unknown in `era`.
  const Unit* ProvinceOf(std::string_view code, Era era) const;

  // `code` and the codes of every unit enclosing it in either era (its district and province of
  // 2023, its province of 2025), without repeats, `code` first; when `code` is unknown in both eras,
  // just `code`, viewing the caller's string. A unit X encloses or is `code` when X is among them.
  std::vector<std::string_view> Enclosing(std::string_view code) const;

  // The communes of the province or district `code` in `era`, sorted by code; empty for a commune
  // or an unknown code.
  std::span<const Unit* const> Communes(std::string_view code, Era era) const;

  // Where the 2023-era unit `old_code` (a province or commune) went in the 2025 reform, sorted by
  // successor code: one `full` row, or one `partial` row per unit it was split between. Empty for
  // communes merged away before the reform (see storage/reference/README.md).
  std::span<const UnitMerge> Successors(std::string_view old_code) const;

  // Whether `code` is the 3-digit province part of a citizen number: "0" + the code of one of the
  // 63 provinces of 2023 ("001" Hà Nội, "096" Cà Mau).
  bool IsCitizenProvinceCode(std::string_view code) const;

 private:
  struct Table;
  UnitRegistry();
  const Table& TableOf(Era era) const;

  std::unique_ptr<const Table> units_2023_;
  std::unique_ptr<const Table> units_2025_;
  std::vector<UnitMerge> merges_;  // sorted by (old_code, successor code)
};

}  // namespace dancu::storage
