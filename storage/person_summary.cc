#include "storage/person_summary.h"

#include "storage/name_fold.h"

namespace dancu::storage {

namespace {
constexpr char kUnit = '\x1f';    // between fields
constexpr char kRecord = '\x1e';  // between the ids of distinct_from
constexpr std::string_view kFormat = "p1";

std::string Text(capnp::Text::Reader text) { return {text.cStr(), text.size()}; }

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<unsigned> Number(std::string_view digits, unsigned max) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > max) return std::nullopt;
  return value;
}
}  // namespace

PersonSummary SummaryOf(schema::Resident::Reader r) {
  PersonSummary s;
  s.id = Text(r.getId());
  s.name = FoldForSearch(Text(r.getFullName()));
  s.birth = ReadPartialDate(r.getBirthDate());
  s.sex = static_cast<uint8_t>(r.getSex());
  s.ethnicity = r.getEthnicity();
  s.citizen_no = Text(r.getCitizenNo());
  s.father = FoldForSearch(Text(r.getFather().getName()));
  s.mother = FoldForSearch(Text(r.getMother().getName()));
  s.hometown = Text(r.getHometown().getUnit());
  s.birth_registration = Text(r.getBirthRegistrationPlace().getUnit());
  for (auto id : r.getDistinctFrom()) s.distinct_from.push_back(Text(id));
  return s;
}

std::string EncodeSummary(const PersonSummary& s) {
  std::string out(kFormat);
  for (const std::string& field :
       {s.id, s.name, std::to_string(s.birth.year), std::to_string(s.birth.month), std::to_string(s.birth.day),
        std::to_string(s.sex), std::to_string(s.ethnicity), s.citizen_no, s.father, s.mother, s.hometown,
        s.birth_registration}) {
    out.push_back(kUnit);
    out += field;
  }
  out.push_back(kUnit);
  for (size_t i = 0; i < s.distinct_from.size(); ++i) {
    if (i > 0) out.push_back(kRecord);
    out += s.distinct_from[i];
  }
  return out;
}

std::optional<PersonSummary> DecodeSummary(std::string_view bytes) {
  auto f = Split(bytes, kUnit);
  if (f.size() != 14 || f[0] != kFormat) return std::nullopt;
  auto year = Number(f[3], 9999), month = Number(f[4], 12), day = Number(f[5], 31);
  auto sex = Number(f[6], 255), ethnicity = Number(f[7], 255);
  if (!year || !month || !day || !sex || !ethnicity) return std::nullopt;
  PersonSummary s;
  s.id = f[1];
  s.name = f[2];
  s.birth = {static_cast<uint16_t>(*year), static_cast<uint8_t>(*month), static_cast<uint8_t>(*day)};
  s.sex = static_cast<uint8_t>(*sex);
  s.ethnicity = static_cast<uint8_t>(*ethnicity);
  s.citizen_no = f[8];
  s.father = f[9];
  s.mother = f[10];
  s.hometown = f[11];
  s.birth_registration = f[12];
  if (!f[13].empty()) {
    for (std::string_view id : Split(f[13], kRecord)) s.distinct_from.emplace_back(id);
  }
  return s;
}

}  // namespace dancu::storage
