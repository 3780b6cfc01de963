#include "storage/partial_date.h"

#include <charconv>

namespace dancu::storage {

namespace {

constexpr int kMaxYear = 9999;

// The first and last day `date` may denote, as comparable yyyymmdd numbers.
int FirstDay(PartialDateValue d) {
  return d.year * 10000 + (d.month ? d.month : 1) * 100 + (d.day ? d.day : 1);
}
int LastDay(PartialDateValue d) {
  const int month = d.month ? d.month : 12;
  return d.year * 10000 + month * 100 + (d.day ? d.day : DaysInMonth(d.year, month));
}

// `value` in decimal, zero-padded to two digits.
std::string TwoDigits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

// Parses text[pos, pos + width) as decimal digits (no sign).
std::optional<int> Digits(std::string_view text, size_t pos, size_t width) {
  int value = 0;
  const char* first = text.data() + pos;
  const char* last = first + width;
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || *first == '-') return std::nullopt;
  return value;
}

}  // namespace

PartialDateValue ReadPartialDate(schema::PartialDate::Reader date) {
  return {date.getYear(), date.getMonth(), date.getDay()};
}

void WritePartialDate(PartialDateValue value, schema::PartialDate::Builder out) {
  out.setYear(value.year);
  out.setMonth(value.month);
  out.setDay(value.day);
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

std::optional<std::string> CheckPartialDate(PartialDateValue date) {
  if (date.year > kMaxYear) return "year " + std::to_string(date.year) + " is beyond 9999";
  if (date.month > 12) return "month " + std::to_string(date.month) + " is not 1-12";
  if (date.month != 0 && date.year == 0) return "has a month but no year";
  if (date.day != 0 && date.month == 0) return "has a day but no month";
  if (date.day > DaysInMonth(date.year, date.month ? date.month : 1)) {
    return "day " + std::to_string(date.day) + " does not exist in " +
           FormatPartialDate({date.year, date.month, 0});
  }
  return std::nullopt;
}

std::partial_ordering ComparePartialDates(PartialDateValue a, PartialDateValue b) {
  if (a.year == 0 || b.year == 0 || CheckPartialDate(a) || CheckPartialDate(b)) {
    return std::partial_ordering::unordered;
  }
  if (a == b) return std::partial_ordering::equivalent;
  if (LastDay(a) < FirstDay(b)) return std::partial_ordering::less;
  if (FirstDay(a) > LastDay(b)) return std::partial_ordering::greater;
  return std::partial_ordering::unordered;
}

std::string FormatPartialDate(PartialDateValue date) {
  if (date.year == 0) return "";
  std::string text = TwoDigits(date.year / 100) + TwoDigits(date.year % 100);
  if (date.month == 0) return text;
  text += "-" + TwoDigits(date.month);
  if (date.day == 0) return text;
  return text + "-" + TwoDigits(date.day);
}

Result<PartialDateValue> ParsePartialDate(std::string_view text) {
  const bool shape_ok = (text.size() == 4 || text.size() == 7 || text.size() == 10) &&
                        (text.size() < 7 || text[4] == '-') && (text.size() < 10 || text[7] == '-');
  std::optional<int> year = shape_ok ? Digits(text, 0, 4) : std::nullopt;
  std::optional<int> month = text.size() >= 7 && shape_ok ? Digits(text, 5, 2) : 0;
  std::optional<int> day = text.size() == 10 && shape_ok ? Digits(text, 8, 2) : 0;
  if (!year || !month || !day) {
    return Status::InvalidArgument("must be YYYY, YYYY-MM or YYYY-MM-DD");
  }
  if (*year == 0) return Status::InvalidArgument("year 0000 is not a year");
  if (text.size() >= 7 && *month == 0) return Status::InvalidArgument("month 0 is not 1-12");
  if (text.size() == 10 && *day == 0) return Status::InvalidArgument("day 0 is not a day");
  const PartialDateValue date{static_cast<uint16_t>(*year), static_cast<uint8_t>(*month),
                              static_cast<uint8_t>(*day)};
  if (auto reason = CheckPartialDate(date)) return Status::InvalidArgument(*reason);
  return date;
}

PartialDateValue TodayInVietnam(std::chrono::system_clock::time_point now) {
  const auto local = std::chrono::floor<std::chrono::days>(now + std::chrono::hours(7));
  const std::chrono::year_month_day ymd(local);
  return {static_cast<uint16_t>(static_cast<int>(ymd.year())),
          static_cast<uint8_t>(static_cast<unsigned>(ymd.month())),
          static_cast<uint8_t>(static_cast<unsigned>(ymd.day()))};
}

}  // namespace dancu::storage
