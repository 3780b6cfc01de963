#include "storage/validation.h"

#include <capnp/schema.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "storage/citizen_number.h"
#include "storage/ethnicity.h"
#include "storage/units.h"

namespace dancu::storage {

namespace {

using Reason = std::optional<std::string>;

// Decodes the code point at text[*pos] and moves *pos past it. Returns -1 (moving one byte) when
// the bytes there are not well-formed UTF-8 (Unicode 15, table 3-7: no overlong forms, no
// surrogates, nothing above U+10FFFF).
int32_t NextCodePoint(std::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(*pos);
  size_t length;
  int32_t code_point;
  uint8_t low = 0x80, high = 0xBF;  // range of the second byte; later bytes are 80..BF
  if (lead < 0x80) {
    length = 1;
    code_point = lead;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    ++*pos;
    return -1;
  }
  for (size_t i = 1; i < length; ++i) {
    if (*pos + i >= text.size() || byte(*pos + i) < low || byte(*pos + i) > high) {
      ++*pos;
      return -1;
    }
    code_point = (code_point << 6) | (byte(*pos + i) & 0x3F);
    low = 0x80;
    high = 0xBF;
  }
  *pos += length;
  return code_point;
}

const icu::Normalizer2& Nfc() {
  static const icu::Normalizer2* const nfc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* instance = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) {
      std::fprintf(stderr, "dancu: ICU has no NFC data: %s\n", u_errorName(status));
      std::abort();
    }
    return instance;
  }();
  return *nfc;
}

icu::StringPiece Piece(std::string_view text) {
  return icu::StringPiece(text.data(), static_cast<int32_t>(text.size()));
}

std::string_view View(capnp::Text::Reader text) { return {text.cStr(), text.size()}; }

bool Present(capnp::Text::Reader text) { return text.size() != 0; }

std::string Hex(int32_t code_point) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(code_point));
  return hex;
}

// "'3' (U+0033)": the character text[begin, end) and its code point.
std::string Describe(int32_t code_point, std::string_view text, size_t begin, size_t end) {
  return "'" + std::string(text.substr(begin, end - begin)) + "' (" + Hex(code_point) + ")";
}

enum class TextKind {
  kFree,        // any printable text
  kName,        // letters, combining marks, spaces, hyphens, apostrophes
  kIdentifier,  // printable ASCII without spaces
};

bool AllowedInName(int32_t c) {
  return u_isalpha(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0 || c == ' ' || c == '-' ||
         c == '\'' || c == 0x2019;  // RIGHT SINGLE QUOTATION MARK, the typographic apostrophe
}

// Why `text` breaks the rules of `kind` or is longer than `max_chars` code points. Empty text
// passes: callers check presence.
Reason CheckText(std::string_view text, TextKind kind, size_t max_chars) {
  if (auto offset = FindInvalidUtf8(text)) {
    return "is not valid UTF-8 (ill-formed byte at offset " + std::to_string(*offset) + ")";
  }
  UErrorCode status = U_ZERO_ERROR;
  if (!Nfc().isNormalizedUTF8(Piece(text), status) || U_FAILURE(status)) {
    return "is not in Unicode NFC";
  }
  size_t chars = 0;
  bool has_letter = false;
  for (size_t pos = 0; pos < text.size(); ++chars) {
    const size_t begin = pos;
    const int32_t c = NextCodePoint(text, &pos);
    if (u_iscntrl(c)) return "contains the control character " + Hex(c);
    has_letter = has_letter || u_isalpha(c);
    if (kind == TextKind::kName && !AllowedInName(c)) {
      return "contains " + Describe(c, text, begin, pos) +
             ", which is not a letter, space, hyphen or apostrophe";
    }
    if (kind == TextKind::kIdentifier && (c <= ' ' || c > '~')) {
      return "contains " + Describe(c, text, begin, pos) +
             "; identifiers are printable ASCII without spaces";
    }
  }
  if (chars > max_chars) {
    return "is " + std::to_string(chars) + " characters long; the limit is " +
           std::to_string(max_chars);
  }
  if (kind == TextKind::kName && !text.empty()) {
    if (!has_letter) return "has no letter";
    if (text.front() == ' ' || text.back() == ' ') return "starts or ends with a space";
  }
  return std::nullopt;
}

template <typename Enum>
Reason CheckEnum(Enum value) {
  const auto raw = static_cast<uint16_t>(value);
  if (raw < capnp::Schema::from<Enum>().getEnumerants().size()) return std::nullopt;
  return "value " + std::to_string(raw) + " is not one this version of dancu knows";
}

bool IsAsciiDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Reason CheckUnitCode(std::string_view code) {
  if (!IsAsciiDigits(code) || (code.size() != 2 && code.size() != 3 && code.size() != 5)) {
    return "is not a unit code (2, 3 or 5 digits)";
  }
  if (!UnitRegistry::Get().Exists(code)) {
    return "no administrative unit has code " + std::string(code) + " (in 2023 or 2025)";
  }
  return std::nullopt;
}

Reason CheckNationality(std::string_view code) {
  if (code.size() == 2 &&
      std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return std::nullopt;
  }
  return "must be two uppercase letters (ISO 3166-1 alpha-2, \"VN\")";
}

// Collects the errors of one record.
class Checker {
 public:
  explicit Checker(PartialDateValue today) : today_(today) {}

  FieldErrors Release() { return std::move(errors_); }

  void Report(std::string field, Reason reason) {
    if (reason) errors_.push_back({std::move(field), std::move(*reason)});
  }

  void Required(std::string field, capnp::Text::Reader text) {
    if (!Present(text)) Report(std::move(field), "is required");
  }

  void Text(std::string field, capnp::Text::Reader text, TextKind kind, size_t max_chars) {
    Report(std::move(field), CheckText(View(text), kind, max_chars));
  }

  void Name(std::string field, capnp::Text::Reader text) {
    Text(std::move(field), text, TextKind::kName, kMaxNameChars);
  }

  void Id(std::string field, capnp::Text::Reader text) {
    Text(std::move(field), text, TextKind::kIdentifier, kMaxIdChars);
  }

  void Unit(std::string field, capnp::Text::Reader code) {
    if (Present(code)) Report(std::move(field), CheckUnitCode(View(code)));
  }

  void Place(const std::string& field, schema::Place::Reader place) {
    Unit(field + ".unit", place.getUnit());
    Text(field + ".address", place.getAddress(), TextKind::kFree, kMaxAddressChars);
  }

  // `sex` is what the person's citizen number must say (UNKNOWN: anything).
  void Person(const std::string& field, schema::PersonRef::Reader person, schema::Sex sex) {
    CitizenNo(field + ".citizen_no", person.getCitizenNo(), sex, {});
    Name(field + ".name", person.getName());
  }

  void CitizenNo(std::string field, capnp::Text::Reader text, schema::Sex sex,
                 PartialDateValue birth_date) {
    if (Present(text)) Report(std::move(field), CheckCitizenNumber(View(text), sex, birth_date));
  }

  // Checks a known date; returns whether it is valid, so that callers may compare it.
  bool Date(std::string field, PartialDateValue date, bool may_be_future) {
    Reason reason = CheckPartialDate(date);
    if (!reason && date.year < kEarliestYear) {
      reason = FormatPartialDate(date) + " is before " + std::to_string(kEarliestYear);
    }
    if (!reason && !may_be_future && ComparePartialDates(date, today_) > 0) {
      reason = FormatPartialDate(date) + " is after today (" + FormatPartialDate(today_) + ")";
    }
    const bool valid = !reason;
    Report(std::move(field), std::move(reason));
    return valid;
  }

  // Checks the date when it is known; returns whether it is known and valid.
  bool OptionalDate(std::string field, PartialDateValue date, bool may_be_future) {
    return !date.unknown() && Date(std::move(field), date, may_be_future);
  }

 private:
  PartialDateValue today_;
  FieldErrors errors_;
};

}  // namespace

FieldErrors Validate(schema::Resident::Reader r, PartialDateValue today) {
  Checker check(today);
  const PartialDateValue birth = ReadPartialDate(r.getBirthDate());

  check.Id("id", r.getId());
  check.CitizenNo("citizen_no", r.getCitizenNo(), r.getSex(), birth);
  if (Present(r.getOldIdNo())) check.Report("old_id_no", CheckOldIdNumber(View(r.getOldIdNo())));
  check.Required("full_name", r.getFullName());
  check.Name("full_name", r.getFullName());
  const auto other_names = r.getOtherNames();
  if (other_names.size() > kMaxOtherNames) {
    check.Report("other_names", "has " + std::to_string(other_names.size()) +
                                    " entries; the limit is " + std::to_string(kMaxOtherNames));
  }
  for (unsigned i = 0; i < other_names.size(); ++i) {
    const std::string field = "other_names[" + std::to_string(i) + "]";
    if (!Present(other_names[i])) check.Report(field, "is empty");
    check.Name(field, other_names[i]);
  }
  const auto distinct = r.getDistinctFrom();
  if (distinct.size() > kMaxDistinctFrom) {
    check.Report("distinct_from", "has " + std::to_string(distinct.size()) + " entries; the limit is " +
                                      std::to_string(kMaxDistinctFrom));
  }
  for (unsigned i = 0; i < distinct.size(); ++i) {
    const std::string field = "distinct_from[" + std::to_string(i) + "]";
    if (!Present(distinct[i])) check.Report(field, "is empty");
    check.Id(field, distinct[i]);
  }
  bool birth_valid = false;
  if (birth.unknown()) {
    check.Report("birth_date", "is required (at least the year)");
  } else {
    birth_valid = check.Date("birth_date", birth, false);
  }
  check.Report("sex", CheckEnum(r.getSex()));
  if (r.getSex() == schema::Sex::UNKNOWN) check.Report("sex", "is required");
  check.Place("birth_registration_place", r.getBirthRegistrationPlace());
  check.Place("birth_place", r.getBirthPlace());
  check.Place("hometown", r.getHometown());
  if (r.getEthnicity() > kEthnicGroupCount) {
    check.Report("ethnicity", "code " + std::to_string(r.getEthnicity()) +
                                  " is not 0 (unknown) or one of the 54 groups 1-54");
  }
  check.Text("religion", r.getReligion(), TextKind::kFree, kMaxTextChars);
  if (Present(r.getNationality())) {
    check.Report("nationality", CheckNationality(View(r.getNationality())));
  }
  check.Report("marital_status", CheckEnum(r.getMaritalStatus()));
  check.Report("blood_type", CheckEnum(r.getBloodType()));
  check.Place("permanent_residence", r.getPermanentResidence());
  check.Required("permanent_residence.unit", r.getPermanentResidence().getUnit());
  check.Place("temporary_residence", r.getTemporaryResidence());
  check.Place("current_residence", r.getCurrentResidence());

  const auto household = r.getHousehold();
  check.Id("household.id", household.getId());
  check.CitizenNo("household.head_citizen_no", household.getHeadCitizenNo(), schema::Sex::UNKNOWN,
                  {});
  check.Report("household.relationship", CheckEnum(household.getRelationship()));
  if (household.getRelationship() != schema::Relationship::UNKNOWN && !Present(household.getId())) {
    check.Report("household.id", "is required when a relationship is given");
  }
  if (household.getRelationship() == schema::Relationship::HEAD &&
      Present(household.getHeadCitizenNo()) && Present(r.getCitizenNo()) &&
      household.getHeadCitizenNo() != r.getCitizenNo()) {
    check.Report("household.head_citizen_no",
                 "is not the resident's own citizen number, but the relationship is head");
  }

  check.Person("father", r.getFather(), schema::Sex::MALE);
  check.Person("mother", r.getMother(), schema::Sex::FEMALE);
  check.Person("spouse", r.getSpouse(), schema::Sex::UNKNOWN);
  check.Person("representative", r.getRepresentative(), schema::Sex::UNKNOWN);

  check.Report("status", CheckEnum(r.getStatus()));
  const PartialDateValue death = ReadPartialDate(r.getDeathDate());
  if (!death.unknown() && r.getStatus() != schema::LifeStatus::DECEASED) {
    check.Report("death_date", "is set but status is not deceased");
  } else if (check.OptionalDate("death_date", death, false) && birth_valid &&
             ComparePartialDates(death, birth) < 0) {
    check.Report("death_date", FormatPartialDate(death) + " is before the birth date " +
                                   FormatPartialDate(birth));
  }

  const auto card = r.getCard();
  check.Id("card.application_id", card.getApplicationId());
  const PartialDateValue applied = ReadPartialDate(card.getAppliedOn());
  const PartialDateValue issued = ReadPartialDate(card.getIssuedOn());
  const PartialDateValue expires = ReadPartialDate(card.getExpiresOn());
  const bool applied_valid = check.OptionalDate("card.applied_on", applied, false);
  check.Report("card.status", CheckEnum(card.getStatus()));
  check.CitizenNo("card.card_no", card.getCardNo(), r.getSex(), birth);
  if (Present(card.getCardNo()) && Present(r.getCitizenNo()) &&
      card.getCardNo() != r.getCitizenNo()) {
    check.Report("card.card_no",
                 "differs from citizen_no (a citizen-ID card carries the citizen number)");
  }
  if (card.getStatus() == schema::CardStatus::ISSUED) {
    if (!Present(card.getCardNo())) {
      check.Report("card.card_no", "is required when the card is issued");
    }
    if (issued.unknown()) check.Report("card.issued_on", "is required when the card is issued");
  }
  const bool issued_valid = check.OptionalDate("card.issued_on", issued, false);
  if (applied_valid && issued_valid && ComparePartialDates(issued, applied) < 0) {
    check.Report("card.issued_on", FormatPartialDate(issued) + " is before the application date " +
                                       FormatPartialDate(applied));
  }
  if (check.OptionalDate("card.expires_on", expires, true) && issued_valid &&
      ComparePartialDates(expires, issued) <= 0) {
    check.Report("card.expires_on", FormatPartialDate(expires) + " is not after the issue date " +
                                        FormatPartialDate(issued));
  }

  const auto differences = r.getCardReview().getDifferences();
  if (differences.size() > kMaxCardDifferences) {
    check.Report("card_review.differences", "has " + std::to_string(differences.size()) +
                                                " entries; the limit is " + std::to_string(kMaxCardDifferences));
  }
  for (auto d : differences) {
    check.Required("card_review.differences.field", d.getField());
    check.Id("card_review.differences.field", d.getField());
    check.Text("card_review.differences.card", d.getCard(), TextKind::kFree, kMaxCardValueChars);
    check.Text("card_review.differences.record", d.getRecord(), TextKind::kFree, kMaxCardValueChars);
  }
  if (r.getCardReview().getOpen() && differences.size() == 0) {
    check.Report("card_review.differences", "are required to open a case");
  }

  check.Unit("home_unit", r.getHomeUnit());
  check.Id("merged_into", r.getMergedInto());
  if (Present(r.getMergedInto()) && r.getMergedInto() == r.getId()) {
    check.Report("merged_into", "is the record's own id");
  }
  return check.Release();
}

std::vector<std::string> CompletenessGaps(schema::Resident::Reader r) {
  std::vector<std::string> gaps;
  const auto gap_if = [&](bool missing, const char* gap) {
    if (missing) gaps.emplace_back(gap);
  };
  gap_if(!Present(r.getCitizenNo()), "no citizen number yet");
  gap_if(!ReadPartialDate(r.getBirthDate()).complete(), "birth date only partial");
  gap_if(!Present(r.getHometown().getUnit()), "no hometown");
  gap_if(r.getEthnicity() == 0, "ethnicity unknown");
  gap_if(!Present(r.getHousehold().getId()), "no household");
  gap_if(!Present(r.getNationality()), "nationality unknown");
  const bool deceased = r.getStatus() == schema::LifeStatus::DECEASED;
  gap_if(deceased && ReadPartialDate(r.getDeathDate()).unknown(), "death date unknown");
  return gaps;
}

std::optional<size_t> FindInvalidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const size_t begin = pos;
    if (NextCodePoint(text, &pos) < 0) return begin;
  }
  return std::nullopt;
}

std::string ToNfc(std::string_view text) {
  std::string out;
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(text.size()));
  UErrorCode status = U_ZERO_ERROR;
  Nfc().normalizeUTF8(0, Piece(text), sink, nullptr, status);
  return U_SUCCESS(status) ? out : std::string(text);
}

bool FingerSettled(schema::FingerStatus status) {
  return status == schema::FingerStatus::ENROLLED || status == schema::FingerStatus::MISSING ||
         status == schema::FingerStatus::UNREADABLE;
}

bool BiometricsComplete(schema::Biometrics::Reader b) {
  return b.hasPhoto() && FingerSettled(b.getRightIndex().getStatus()) && FingerSettled(b.getLeftIndex().getStatus());
}

}  // namespace dancu::storage
