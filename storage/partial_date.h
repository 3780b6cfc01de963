// Dates that may be known only to the year or the month (schema::PartialDate), as plain values.
//
// A PartialDateValue is {year, month, day} with 0 meaning "unknown". It is "unknown" when all three
// are 0, "complete" when all three are known, and valid when CheckPartialDate accepts it: a known
// part needs the coarser parts known (no day without a month, no month without a year), and the
// parts name a real calendar day (leap years included).
//
// Thread-safety: pure functions over values; safe to call concurrently. Nothing throws.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/resident.capnp.h"
#include "storage/status.h"

namespace dancu::storage {

struct PartialDateValue {
  uint16_t year = 0;  // 1..9999; 0 unknown
  uint8_t month = 0;  // 1..12; 0 unknown
  uint8_t day = 0;    // 1..31; 0 unknown

  bool unknown() const { return year == 0 && month == 0 && day == 0; }
  bool complete() const { return year != 0 && month != 0 && day != 0; }
  friend bool operator==(const PartialDateValue&, const PartialDateValue&) = default;
};

PartialDateValue ReadPartialDate(schema::PartialDate::Reader date);
void WritePartialDate(PartialDateValue value, schema::PartialDate::Builder out);

bool IsLeapYear(int year);
// Number of days of `month` (1..12) in `year`.
int DaysInMonth(int year, int month);

// Returns why `date` is not a valid partial date ("day 30 does not exist in 1985-02"), or nullopt
// when it is valid. The unknown date is valid.
std::optional<std::string> CheckPartialDate(PartialDateValue date);

// Orders two valid, known dates where their precision allows: less when every day `a` may denote
// precedes every day `b` may denote, greater for the reverse, equivalent when both are the same
// value, unordered otherwise ("1985" against "1985-03") and whenever either date is unknown or
// invalid.
std::partial_ordering ComparePartialDates(PartialDateValue a, PartialDateValue b);

// "1985", "1985-03" or "1985-03-07" (year padded to 4 digits); "" for the unknown date. Formats
// the known prefix of an invalid date (a day without a month is dropped).
std::string FormatPartialDate(PartialDateValue date);

// Parses exactly the three forms FormatPartialDate writes for a known date. Fails with
// InvalidArgument naming what is wrong ("must be YYYY, YYYY-MM or YYYY-MM-DD",
// "month 13 is not 1-12", ...).
Result<PartialDateValue> ParsePartialDate(std::string_view text);

// The calendar date in Vietnam (UTC+7, no daylight saving) at `now`. Callers pass the clock's
// value so that tests can fix "today".
PartialDateValue TodayInVietnam(std::chrono::system_clock::time_point now);

}  // namespace dancu::storage
