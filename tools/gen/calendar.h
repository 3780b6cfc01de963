// Day arithmetic on complete dates (storage::PartialDateValue with year, month and day known), in
// the proleptic Gregorian calendar.
//
// Thread-safety: pure functions; the Random passed in is the caller's. Nothing throws.
#pragma once

#include "storage/partial_date.h"
#include "tools/gen/random.h"

namespace dancu::tools::gen {

using storage::PartialDateValue;

// Days from 1970-01-01 to the complete date `date`.
int DayNumber(PartialDateValue date);

// The date `days` days after 1970-01-01.
PartialDateValue DateOfDayNumber(int days);

// The complete date `date` moved by `days` days.
PartialDateValue AddDays(PartialDateValue date, int days);

// The complete date `date` moved by `years` years; 29 February becomes 28 February when the year
// reached is not a leap year.
PartialDateValue AddYears(PartialDateValue date, int years);

// A day between the complete dates `first` and `last` (inclusive, first <= last), each equally
// likely.
PartialDateValue DayBetween(PartialDateValue first, PartialDateValue last, Random& random);

// The age in completed years, on the complete date `day`, of a person born on `birth` (year known;
// an unknown month or day counts as the earliest possible).
int AgeOn(PartialDateValue birth, PartialDateValue day);

// The last day the valid, known date `date` may denote: 1985 -> 1985-12-31, 1985-02 -> 1985-02-28.
PartialDateValue LastDayOf(PartialDateValue date);

}  // namespace dancu::tools::gen
