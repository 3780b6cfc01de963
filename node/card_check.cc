#include "node/card_check.h"

#include <algorithm>

#include "storage/ethnicity.h"
#include "storage/name_fold.h"
#include "storage/units.h"

namespace dancu::node {

namespace {

using nlohmann::json;

std::string Text(const json& record, const char* key) {
  auto it = record.find(key);
  return it != record.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Sex(const std::string& card_sex) {
  std::string folded = storage::FoldForSearch(card_sex);
  if (folded == "nam") return "male";
  if (folded == "nu") return "female";
  return card_sex;
}

std::string Nationality(const std::string& card_nationality) {
  return storage::FoldForSearch(card_nationality) == "viet nam" ? "VN" : card_nationality;
}

// The names of `code`'s unit and of its enclosing units, in the era that knows it.
std::vector<std::string> UnitNames(const std::string& code) {
  const storage::UnitRegistry& units = storage::UnitRegistry::Get();
  for (storage::Era era : {storage::Era::k2025, storage::Era::k2023}) {
    std::vector<std::string> names;
    for (const storage::Unit* u = units.Find(code, era); u; u = units.Find(u->parent, era)) {
      names.emplace_back(u->name);
      if (u->parent.empty()) break;
    }
    if (!names.empty()) return names;
  }
  return {};
}

// Whether the card's place text names the record's place: its commune and province by name.
bool SamePlace(const std::string& card_text, const json& place) {
  std::string card = " " + storage::FoldForSearch(card_text) + " ";
  std::string unit = place.is_object() ? Text(place, "unit") : "";
  std::vector<std::string> names = UnitNames(unit);
  if (names.empty()) {  // no unit known: compare the address text
    return storage::FoldForSearch(card_text) ==
           storage::FoldForSearch(place.is_object() ? Text(place, "address") : "");
  }
  // The commune (first) and the province (last) must be named; a district may have been merged.
  for (const std::string& name : {names.front(), names.back()}) {
    if (card.find(" " + storage::FoldForSearch(name) + " ") == std::string::npos) return false;
  }
  return true;
}

std::string PlaceText(const json& place) {
  if (!place.is_object()) return "";
  std::vector<std::string> names = UnitNames(Text(place, "unit"));
  std::string out = Text(place, "address");
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

bool CardHasNoExpiry(const std::string& expiry) { return storage::FoldForSearch(expiry) == "khong thoi han"; }

bool IsComparedField(std::string_view field) {
  static constexpr std::string_view kFields[] = {
      "citizen_no", "old_id_no", "full_name", "birth_date", "sex", "nationality", "ethnicity",
      "religion", "hometown", "permanent_residence", "father", "mother", "spouse"};
  return std::find(std::begin(kFields), std::end(kFields), field) != std::end(kFields);
}

std::string CardDateToIso(const std::string& d) {
  if (d.size() != 10 || d[2] != '/' || d[5] != '/') return d;
  return d.substr(6, 4) + "-" + d.substr(3, 2) + "-" + d.substr(0, 2);
}

json CardToJson(const devices::card::CitizenData& c) {
  json out = {{"citizen_no", c.citizen_no},
              {"full_name", c.full_name},
              {"birth_date", CardDateToIso(c.birth_date)},
              {"sex", Sex(c.sex)},
              {"nationality", Nationality(c.nationality)},
              {"ethnicity", c.ethnicity},
              {"religion", c.religion},
              {"hometown", c.hometown},
              {"permanent_residence", c.permanent_residence},
              {"identifying_marks", c.identifying_marks},
              {"issued_on", CardDateToIso(c.issue_date)},
              {"expires", c.expiry},
              {"expires_on", CardDateToIso(c.expiry) != c.expiry ? CardDateToIso(c.expiry) : ""},
              {"no_expiry", CardHasNoExpiry(c.expiry)},
              {"father", c.father},
              {"mother", c.mother},
              {"spouse", c.spouse},
              {"old_id_no", c.old_id_no}};
  for (const auto& [number, values] : c.other) out["field_" + std::to_string(number)] = values;
  return out;
}

std::vector<CardDifference> CompareCardWithRecord(const devices::card::CitizenData& card,
                                                  const json& record) {
  std::vector<CardDifference> diffs;
  auto differ = [&](const char* field, const std::string& card_value, const std::string& record_value) {
    diffs.push_back({field, card_value, record_value});
  };
  auto exact = [&](const char* field, const std::string& card_value) {
    std::string r = Text(record, field);
    if (!card_value.empty() && card_value != r) differ(field, card_value, r);
  };
  auto name = [&](const char* field, const std::string& card_value, const std::string& r) {
    if (!card_value.empty() && storage::FoldForSearch(card_value) != storage::FoldForSearch(r)) {
      differ(field, card_value, r);
    }
  };
  auto person = [&](const char* field, const std::string& card_value) {
    auto it = record.find(field);
    name(field, card_value, it != record.end() && it->is_object() ? Text(*it, "name") : "");
  };
  auto place = [&](const char* field, const std::string& card_value) {
    auto it = record.find(field);
    json p = it != record.end() ? *it : json();
    if (!card_value.empty() && !SamePlace(card_value, p)) differ(field, card_value, PlaceText(p));
  };

  exact("citizen_no", card.citizen_no);
  exact("old_id_no", card.old_id_no);
  name("full_name", card.full_name, Text(record, "full_name"));
  if (!card.birth_date.empty() && CardDateToIso(card.birth_date) != Text(record, "birth_date")) {
    differ("birth_date", card.birth_date, Text(record, "birth_date"));
  }
  if (!card.sex.empty() && Sex(card.sex) != Text(record, "sex")) {
    differ("sex", card.sex, Text(record, "sex"));
  }
  if (!card.nationality.empty() && Nationality(card.nationality) != Text(record, "nationality")) {
    differ("nationality", card.nationality, Text(record, "nationality"));
  }
  if (!card.ethnicity.empty()) {
    auto it = record.find("ethnicity");
    unsigned code = it != record.end() && it->is_number_unsigned() ? it->get<unsigned>() : 0;
    name("ethnicity", card.ethnicity, std::string(storage::EthnicGroupName(code)));
  }
  // "Không" (none) on the card is an empty religion in the record.
  if (storage::FoldForSearch(card.religion) != "khong") {
    name("religion", card.religion, Text(record, "religion"));
  } else if (!Text(record, "religion").empty()) {
    differ("religion", card.religion, Text(record, "religion"));
  }
  place("hometown", card.hometown);
  place("permanent_residence", card.permanent_residence);
  person("father", card.father);
  person("mother", card.mother);
  person("spouse", card.spouse);
  return diffs;
}

}  // namespace dancu::node
