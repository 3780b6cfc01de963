#include "tools/gen/line_writer.h"

#include <nlohmann/json.hpp>

#include "storage/ethnicity.h"
#include "storage/record_json.h"
#include "storage/units.h"
#include "tools/gen/calendar.h"
#include "tools/gen/household.h"

namespace dancu::tools::gen {

namespace {

using schema::Sex;

// JSON keys (storage/record_json.h) of the fields that JSON defects touch.
constexpr const char* kFullNameKey = "full_name";
constexpr const char* kBirthDateKey = "birth_date";
constexpr const char* kCitizenNoKey = "citizen_no";
constexpr const char* kEthnicityKey = "ethnicity";

std::string View(capnp::Text::Reader text) { return {text.cStr(), text.size()}; }

std::string TwoDigits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

// A birth date as officers write it by hand: "07/03/1985", or with zeros for the unknown parts,
// "1945-00-00" and "1945-03-00"; none is a date record_json accepts.
std::string HandwrittenDate(storage::PartialDateValue date) {
  if (date.complete()) {
    return TwoDigits(date.day) + "/" + TwoDigits(date.month) + "/" + std::to_string(date.year);
  }
  return storage::FormatPartialDate(date) + (date.month == 0 ? "-00-00" : "-00");
}

// The first day `date` (valid, known) may denote.
storage::PartialDateValue FirstDayOf(storage::PartialDateValue date) {
  return {date.year, static_cast<uint8_t>(date.month != 0 ? date.month : 1),
          static_cast<uint8_t>(date.day != 0 ? date.day : 1)};
}

}  // namespace

LineWriter::LineWriter(const Locality& home, storage::PartialDateValue today,
                       Identifiers& identifiers, Random& random)
    : home_(home), today_(today), identifiers_(identifiers), random_(random) {}

std::string LineWriter::Line(schema::Resident::Builder record, Defect defect) {
  SpoilRecord(defect, record);
  return SpoilJson(defect, record.asReader());
}

void LineWriter::SpoilRecord(Defect defect, schema::Resident::Builder record) {
  const storage::PartialDateValue birth = storage::ReadPartialDate(record.getBirthDate());
  const Sex sex = record.getSex();
  // The province of the record's number, or of the home commune when it has none yet.
  const std::string province = record.hasCitizenNo() ? View(record.getCitizenNo()).substr(1, 2)
                                                     : std::string(home_.province);
  switch (defect) {
    case Defect::kBadCitizenProvince: {
      std::string number = record.hasCitizenNo()
                               ? View(record.getCitizenNo())
                               : identifiers_.CitizenNumber(province, sex, birth.year);
      number.replace(0, 3, BadProvinceCode());
      ReplaceCitizenNumber(record, number);
      return;
    }
    case Defect::kSexDigitMismatch:
      ReplaceCitizenNumber(record,
                           identifiers_.CitizenNumber(province, OppositeSex(sex), birth.year));
      return;
    case Defect::kBirthYearMismatch: {
      const int shift = random_.Between(1, 9);
      const int year = birth.year % 100 + shift < 100 ? birth.year + shift : birth.year - shift;
      ReplaceCitizenNumber(record, identifiers_.CitizenNumber(province, sex, year));
      return;
    }
    case Defect::kUnknownUnit: {
      // A mistyped first digit: every 5-digit code of either era starts with 0-3.
      std::string code(home_.commune->code);
      code[0] = static_cast<char>('4' + random_.Below(6));
      record.getPermanentResidence().setUnit(code.c_str());
      return;
    }
    case Defect::kBirthInFuture:
      storage::WritePartialDate(DayBetween(AddDays(today_, 1), AddDays(today_, 365), random_),
                                record.initBirthDate());
      return;
    case Defect::kDeathBeforeBirth:
      record.setStatus(schema::LifeStatus::DECEASED);
      storage::WritePartialDate(AddDays(FirstDayOf(birth), -random_.Between(1, 3650)),
                                record.initDeathDate());
      return;
    default:
      return;  // a JSON defect, or none
  }
}

std::string LineWriter::SpoilJson(Defect defect, schema::Resident::Reader record) {
  nlohmann::json json = storage::ResidentToJson(record);
  const storage::PartialDateValue birth = storage::ReadPartialDate(record.getBirthDate());
  switch (defect) {
    case Defect::kMalformedDate:
      json[kBirthDateKey] = HandwrittenDate(birth);
      break;
    case Defect::kWrongJsonType: {
      // What a spreadsheet export does: numbers for digits, names for codes.
      const uint64_t variant = random_.Below(record.hasCitizenNo() ? 3 : 2);
      if (variant == 0) {
        json[kEthnicityKey] = std::string(storage::EthnicGroupName(record.getEthnicity()));
      } else if (variant == 1) {
        json[kBirthDateKey] = birth.year;
      } else {
        json[kCitizenNoKey] = std::stoull(View(record.getCitizenNo()));
      }
      break;
    }
    case Defect::kMissingFullName:
      json.erase(kFullNameKey);
      break;
    case Defect::kNotJson: {
      if (random_.Chance(0.5)) {  // a CSV row
        return View(record.getFullName()) + "," + HandwrittenDate(birth) + "," +
               (record.getSex() == Sex::MALE ? "Nam" : "Nữ") + "," + View(record.getCitizenNo());
      }
      // A line cut short (a power cut while writing), at a character boundary.
      std::string text = json.dump();
      size_t cut = static_cast<size_t>(random_.Between(1, static_cast<int>(text.size()) - 1));
      while ((static_cast<uint8_t>(text[cut]) & 0xC0) == 0x80) --cut;
      text.resize(cut);
      return text;
    }
    default:
      break;  // a record defect, or none
  }
  return json.dump();
}

std::string LineWriter::BadProvinceCode() {
  const storage::UnitRegistry& registry = storage::UnitRegistry::Get();
  for (;;) {  // 37 of the 100 codes 000-099 name no province
    std::string code = "0" + TwoDigits(static_cast<int>(random_.Below(100)));
    if (!registry.IsCitizenProvinceCode(code)) return code;
  }
}

void LineWriter::ReplaceCitizenNumber(schema::Resident::Builder record, const std::string& number) {
  const std::string old = View(record.getCitizenNo());
  record.setCitizenNo(number.c_str());
  if (old.empty()) return;
  if (record.hasCard() && record.getCard().getCardNo() == old.c_str()) {
    record.getCard().setCardNo(number.c_str());
  }
  if (record.hasHousehold() && record.getHousehold().getHeadCitizenNo() == old.c_str()) {
    record.getHousehold().setHeadCitizenNo(number.c_str());
  }
}

}  // namespace dancu::tools::gen
