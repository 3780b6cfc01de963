#include "tools/gen/papers.h"

#include <algorithm>
#include <span>

#include "tools/gen/calendar.h"

namespace dancu::tools::gen {

namespace {

using schema::BloodType;
using schema::CardStatus;

// Newborns without a citizen number yet, by age in days.
double UnnumberedShare(int age_days) {
  if (age_days < 365) return 0.9;
  if (age_days < 730) return 0.6;
  if (age_days < 1095) return 0.2;
  return 0;
}

constexpr int kLastOldIdYear = 2020;  // old identity cards were issued until the end of 2020
constexpr int kCardAge = 14;
constexpr double kOldId = 0.45;
constexpr double kBloodTypeKnown = 0.2;
constexpr Weighted<BloodType> kBloodTypes[] = {
    {BloodType::O, 42}, {BloodType::B, 31}, {BloodType::A, 21}, {BloodType::AB, 6}};
constexpr double kCard = 0.45;
constexpr int kCardWindowYears = 4;
constexpr int kExpiryAges[] = {25, 40, 60};

void ApplyForCard(Member& member, PartialDateValue today, Identifiers& identifiers,
                  Random& random) {
  const PartialDateValue latest_birth = LastDayOf(member.birth_date);
  const int first = std::max(DayNumber(AddYears(latest_birth, kCardAge)),
                             DayNumber(AddYears(today, -kCardWindowYears)));
  const int last = DayNumber(today);
  if (first > last) return;
  const int applied = random.Between(first, last);
  const int waited = last - applied;
  Card& card = member.card;
  card.applied_on = DateOfDayNumber(applied);
  card.application_id = identifiers.ApplicationId(card.applied_on);
  if (waited < 10) {
    card.status = CardStatus::APPLIED;
    return;
  }
  card.status =
      random.Chance(waited < 30 ? 0.5 : 0.95) ? CardStatus::ISSUED : CardStatus::PRODUCED;
  if (card.status == CardStatus::PRODUCED) return;
  const int issued = applied + random.Between(10, std::min(40, waited));
  card.issued_on = DateOfDayNumber(issued);
  for (int age : kExpiryAges) {
    const int expires = DayNumber(AddYears(latest_birth, age));
    if (expires - issued > 2 * 365) {
      card.expires_on = DateOfDayNumber(expires);
      break;
    }
  }
}

}  // namespace

void IssuePapers(Member& member, PartialDateValue today, Identifiers& identifiers,
                 Random& random) {
  const int age_days = DayNumber(today) - DayNumber(LastDayOf(member.birth_date));
  if (!random.Chance(UnnumberedShare(age_days))) {
    member.citizen_no = identifiers.CitizenNumber(member.birth_registration->province,
                                                  member.sex, member.birth_date.year);
  }
  if (member.birth_date.year + kCardAge <= kLastOldIdYear && random.Chance(kOldId)) {
    member.old_id_no = identifiers.OldIdNumber();
  }
  if (random.Chance(kBloodTypeKnown)) {
    member.blood_type = random.PickWeighted(std::span(kBloodTypes));
  }
  if (!member.deceased && !member.citizen_no.empty() && random.Chance(kCard)) {
    ApplyForCard(member, today, identifiers, random);
  }
}

}  // namespace dancu::tools::gen
