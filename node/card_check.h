// Comparing a chip citizen-ID card (its DG13) with the resident's record: what the commune
// officer sees after `dancu card check` or the console's "Đọc thẻ".
//
// Comparison is by meaning, not by bytes: names fold (storage/name_fold.h: case, diacritics and
// spacing do not count), the card's dd/mm/yyyy dates are compared with the record's ISO dates
// (a record holding only a year or a month differs from the card's full date, so the officer can
// complete it), sex and nationality map to the record's codes, ethnicity to its GSO code's name,
// and places by the names of the record's units: the card's free-text hometown and residence
// must name the record's commune and province. A field the card leaves empty is not compared.
//
// Thread-safe: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "devices/card/dg13.h"

namespace dancu::node {

struct CardDifference {
  std::string field;   // the record's key: "full_name", "birth_date", "permanent_residence", ...
  std::string card;    // the card's value, as printed on it
  std::string record;  // the record's value (for places: the unit's name and the address)
};

// The differences between `card` and `record` (the record's JSON, storage/record_json.h), in the
// order of the record's fields. Empty when they agree.
std::vector<CardDifference> CompareCardWithRecord(const devices::card::CitizenData& card,
                                                  const nlohmann::json& record);

// Whether `field` is one CompareCardWithRecord may list ("birth_date", "permanent_residence", ...).
bool IsComparedField(std::string_view field);

// The card's birth date "dd/mm/yyyy" as "yyyy-mm-dd"; the text unchanged if it is not one.
std::string CardDateToIso(const std::string& card_date);

// Whether the card's expiry text (DG13 field 12) says it has none: "Không thời hạn", in any case,
// with or without diacritics.
bool CardHasNoExpiry(const std::string& expiry);

// The DG13 fields under the record's snake_case keys (citizen_no, full_name, birth_date as
// yyyy-mm-dd, sex as male/female, ...), for `dancu card read --json` and the console. The expiry
// is "expires" as printed, "expires_on" (yyyy-mm-dd, or "" when it is no date) and "no_expiry".
nlohmann::json CardToJson(const devices::card::CitizenData& card);

}  // namespace dancu::node
