// A chip card's free-text place ("Thôn Lũng Cú, Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang") as
// one of the node's administrative units (storage/units.h), for prefilling the new-resident and
// move forms from the card's hometown and permanent residence.
//
// The text is read from the end, comma by comma: the province, then (for the 2023 units) the
// district if named, then the commune within them; what comes before the commune is the address.
// Parts compare folded (storage/name_fold.h: case and diacritics do not count), with or without
// their type ("Xã", "Phường", "Thị trấn", "Đặc khu", "Huyện", "Quận", "Thị xã", "Tỉnh", "Thành phố", "TP").
// Both eras of units are tried; when both name a commune, `preferred` decides (the node's era).
// A commune named twice in its province and no district to tell them apart is ambiguous: no unit.
//
// Thread-safe: pure functions. Errors: none; what cannot be mapped is described in the result.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "storage/units.h"

namespace dancu::node {

struct CardPlace {
  enum class Part : uint8_t { kNone, kProvince, kDistrict, kCommune };
  enum class Problem : uint8_t { kNone, kMissing, kUnknown, kAmbiguous };

  std::string unit;     // the commune's code; empty unless mapped uniquely
  storage::Era era = storage::Era::k2023;  // the era of `unit`
  std::string address;  // the card's text before the commune ("Thôn Lũng Cú"), when mapped
  Part part = Part::kNone;          // the part not recognised, when `unit` is empty
  Problem problem = Problem::kNone; // why; kNone for an empty card text (nothing to map)
  std::string text;                 // the card's words for that part (empty when missing)
};

// Maps `card_text` to a commune. Never fails: an unmapped place says which part and why.
CardPlace MapCardPlace(std::string_view card_text, storage::Era preferred);

// The era in which a node at `node_unit` names units: 2025 when only the 2025 units know the code.
storage::Era NodeEra(std::string_view node_unit);

// {"unit", "address"} when mapped, else {"problem": {"part": "province"|"district"|"commune",
// "reason": "missing"|"unknown"|"ambiguous", "text"}}; {} for an empty card text.
nlohmann::json CardPlaceToJson(const CardPlace& place);

}  // namespace dancu::node
