#include "devices/card/dg13.h"

#include "devices/card/lds.h"
#include "devices/card/tlv.h"

namespace dancu::devices::card {

namespace {

constexpr std::uint32_t kSequence = 0x30;
constexpr std::uint32_t kInteger = 0x02;
constexpr std::uint32_t kUtf8String = 0x0C;

bool IsString(std::uint32_t tag) {
  return tag == kUtf8String || tag == 0x13 /* Printable */ || tag == 0x16 /* IA5 */ ||
         tag == 0x1E /* BMP: not expected */;
}

// The string leaves of `in`, depth first; false if `in` holds anything but strings and
// sequences of strings (then it is not one field's value).
bool Strings(std::span<const std::uint8_t> in, std::vector<std::string>& out) {
  while (!in.empty()) {
    Result<Tlv> t = ReadTlv(in);
    if (!t.ok()) return false;
    const Tlv& tlv = t.value();
    if (IsString(tlv.tag)) {
      out.emplace_back(tlv.value.begin(), tlv.value.end());
    } else if (tlv.tag != kSequence || !Strings(tlv.value, out)) {
      return false;
    }
    in = in.subspan(tlv.size);
  }
  return true;
}

void Assign(CitizenData& d, int number, std::vector<std::string> values) {
  auto first = [&]() { return values.empty() ? std::string() : values[0]; };
  switch (number) {
    case 1: d.citizen_no = first(); break;
    case 2: d.full_name = first(); break;
    case 3: d.birth_date = first(); break;
    case 4: d.sex = first(); break;
    case 5: d.nationality = first(); break;
    case 6: d.ethnicity = first(); break;
    case 7: d.religion = first(); break;
    case 8: d.hometown = first(); break;
    case 9: d.permanent_residence = first(); break;
    case 10: d.identifying_marks = first(); break;
    case 11: d.issue_date = first(); break;
    case 12: d.expiry = first(); break;
    case 13:
      d.father = first();
      d.mother = values.size() > 1 ? values[1] : "";
      break;
    case 14: d.spouse = first(); break;
    case 15: d.old_id_no = first(); break;
    default: d.other[number] = std::move(values);
  }
}

// Walks `in` for field SEQUENCEs {INTEGER n, strings...}; other constructed objects are
// containers and are searched in turn.
void Walk(std::span<const std::uint8_t> in, CitizenData& d, int depth) {
  if (depth > 8) return;
  while (!in.empty()) {
    Result<Tlv> t = ReadTlv(in);
    if (!t.ok()) return;
    const Tlv& tlv = t.value();
    in = in.subspan(tlv.size);
    if (!tlv.constructed()) continue;
    Result<Tlv> head = ReadTlv(tlv.value);
    if (tlv.tag == kSequence && head.ok() && head.value().tag == kInteger &&
        head.value().value.size() == 1) {
      std::vector<std::string> values;
      if (Strings(tlv.value.subspan(head.value().size), values)) {
        Assign(d, head.value().value[0], std::move(values));
        continue;
      }
    }
    Walk(tlv.value, d, depth + 1);
  }
}

Bytes Field(int number, const std::vector<std::string>& values) {
  Bytes body = EncodeTlv(kInteger, Bytes{static_cast<std::uint8_t>(number)});
  for (const std::string& v : values) {
    Bytes s = EncodeTlv(kUtf8String, ToBytes(v));
    body.insert(body.end(), s.begin(), s.end());
  }
  return EncodeTlv(kSequence, body);
}

}  // namespace

Result<CitizenData> ParseDg13(const Bytes& dg13) {
  Result<Tlv> outer = ReadTlv(std::span<const std::uint8_t>(dg13));
  if (!outer.ok() || outer.value().tag != kDg13.tag) {
    return Error(ErrorCode::kUnsupportedCard, "DG13 is malformed");
  }
  CitizenData d;
  Walk(outer.value().value, d, 0);
  return d;
}

Bytes EncodeDg13(const CitizenData& d) {
  const std::vector<std::pair<int, std::vector<std::string>>> fields = {
      {1, {d.citizen_no}},        {2, {d.full_name}},  {3, {d.birth_date}},
      {4, {d.sex}},               {5, {d.nationality}}, {6, {d.ethnicity}},
      {7, {d.religion}},          {8, {d.hometown}},   {9, {d.permanent_residence}},
      {10, {d.identifying_marks}}, {11, {d.issue_date}}, {12, {d.expiry}},
      {13, {d.father, d.mother}}, {14, {d.spouse}},    {15, {d.old_id_no}}};
  Bytes body = EncodeTlv(kInteger, Bytes{0x01});  // version
  for (const auto& [number, values] : fields) {
    Bytes f = Field(number, values);
    body.insert(body.end(), f.begin(), f.end());
  }
  for (const auto& [number, values] : d.other) {
    Bytes f = Field(number, values);
    body.insert(body.end(), f.begin(), f.end());
  }
  return EncodeTlv(kDg13.tag, EncodeTlv(kSequence, body));
}

}  // namespace dancu::devices::card
