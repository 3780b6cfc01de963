#include "tools/gen/calendar.h"

#include <algorithm>
#include <chrono>
#include <tuple>

namespace dancu::tools::gen {

namespace {

std::chrono::sys_days ToSysDays(PartialDateValue date) {
  return std::chrono::year_month_day(std::chrono::year(date.year), std::chrono::month(date.month),
                                     std::chrono::day(date.day));
}

}  // namespace

int DayNumber(PartialDateValue date) {
  return static_cast<int>(ToSysDays(date).time_since_epoch().count());
}

PartialDateValue DateOfDayNumber(int days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  return {static_cast<uint16_t>(static_cast<int>(ymd.year())),
          static_cast<uint8_t>(static_cast<unsigned>(ymd.month())),
          static_cast<uint8_t>(static_cast<unsigned>(ymd.day()))};
}

PartialDateValue AddDays(PartialDateValue date, int days) {
  return DateOfDayNumber(DayNumber(date) + days);
}

PartialDateValue AddYears(PartialDateValue date, int years) {
  const int year = date.year + years;
  const int day = std::min<int>(date.day, storage::DaysInMonth(year, date.month));
  return {static_cast<uint16_t>(year), date.month, static_cast<uint8_t>(day)};
}

PartialDateValue DayBetween(PartialDateValue first, PartialDateValue last, Random& random) {
  return DateOfDayNumber(random.Between(DayNumber(first), DayNumber(last)));
}

int AgeOn(PartialDateValue birth, PartialDateValue day) {
  const bool before_birthday = std::tie(day.month, day.day) < std::tie(birth.month, birth.day);
  return day.year - birth.year - (before_birthday ? 1 : 0);
}

PartialDateValue LastDayOf(PartialDateValue date) {
  const uint8_t month = date.month != 0 ? date.month : 12;
  const uint8_t day =
      date.day != 0 ? date.day : static_cast<uint8_t>(storage::DaysInMonth(date.year, month));
  return {date.year, month, day};
}

}  // namespace dancu::tools::gen
