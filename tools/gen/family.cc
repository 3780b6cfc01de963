#include "tools/gen/family.h"

#include <algorithm>
#include <array>
#include <climits>
#include <string>

#include "tools/gen/address.h"
#include "tools/gen/calendar.h"
#include "tools/gen/ethnic_mix.h"
#include "tools/gen/names.h"

namespace dancu::tools::gen {

namespace {

using schema::MaritalStatus;
using schema::Relationship;
using schema::Sex;

constexpr int kMaxAge = 98;
constexpr int kFirstSouthernProvince = 48;  // Đà Nẵng: southern spellings of family names
constexpr uint8_t kKinh = 1;
constexpr int kDeathWindowYears = 8;  // deaths fall in the years the population database existed

struct AgeRange {
  int from;
  int to;
};
// The ages of household heads.
constexpr Weighted<AgeRange> kHeadAges[] = {
    {{20, 29}, 16}, {{30, 39}, 26}, {{40, 49}, 23}, {{50, 59}, 18},
    {{60, 69}, 13}, {{70, 79}, 6},  {{80, 92}, 2}};

enum class Union { kMarried, kSingle, kDivorced, kWidowed };
// The marital status of household heads, by age.
struct UnionShares {
  int below;  // age
  std::array<Weighted<Union>, 4> shares;
};
constexpr UnionShares UnionsBelow(int age, double married, double single, double divorced,
                                  double widowed) {
  return {age, {{{Union::kMarried, married}, {Union::kSingle, single},
                 {Union::kDivorced, divorced}, {Union::kWidowed, widowed}}}};
}
constexpr UnionShares kUnions[] = {
    UnionsBelow(25, 45, 50, 5, 0),       UnionsBelow(30, 75, 20, 5, 0),
    UnionsBelow(60, 87, 3, 5, 5),        UnionsBelow(70, 75, 2, 3, 20),
    UnionsBelow(INT_MAX, 50, 1, 2, 47),
};
constexpr double kLateSpouseKept = 0.28;  // a widowed head's late spouse still has a record

// How many years the husband is older than the wife.
constexpr Weighted<int> kHusbandOlderBy[] = {
    {-3, 2}, {-2, 4}, {-1, 7}, {0, 11}, {1, 14}, {2, 14}, {3, 13},
    {4, 11}, {5, 9},  {6, 6},  {7, 4},  {8, 3},  {10, 2}};

constexpr Weighted<std::string_view> kReligions[] = {
    {"", 55}, {"Không", 31}, {"Phật giáo", 6}, {"Công giáo", 7}, {"Tin lành", 1}};

// Children ever born, by the mother's birth year: weights of 0, 1, ..., 6 children.
struct Fertility {
  int below;  // mother's birth year
  std::array<Weighted<int>, 7> children;
};
constexpr Fertility kFertility[] = {
    {1960, {{{0, 0}, {1, 5}, {2, 15}, {3, 25}, {4, 25}, {5, 20}, {6, 10}}}},
    {1975, {{{0, 2}, {1, 8}, {2, 30}, {3, 35}, {4, 18}, {5, 7}, {6, 0}}}},
    {1990, {{{0, 3}, {1, 12}, {2, 55}, {3, 25}, {4, 5}, {5, 0}, {6, 0}}}},
    {INT_MAX, {{{0, 4}, {1, 20}, {2, 52}, {3, 24}, {4, 0}, {5, 0}, {6, 0}}}},
};
constexpr int kFirstBirthMin = 19;  // mother's age
constexpr int kFirstBirthMax = 26;
constexpr int kLastBirthMax = 44;
constexpr double kMaleBirths = 0.53;  // Vietnam's sex ratio at birth is about 112 boys to 100 girls

// The share of children of `age` who still live with their parents.
double AtHomeShare(int age) {
  if (age < 18) return 0.97;
  if (age < 23) return 0.7;
  if (age < 28) return 0.45;
  if (age < 33) return 0.3;
  if (age < 41) return 0.12;
  return 0.05;
}
constexpr int kSonStaysFromHeadAge = 50;
// In an older household the youngest son often stays home, from kSonMarriesAge mostly with his
// wife and children.
constexpr double kSonStays = 0.6;
constexpr double kSonStaysMarried = 0.8;
constexpr int kSonMarriesAge = 23;

enum class HeadParents { kNone, kBoth, kLateFatherAndMother, kMother, kFather };
constexpr Weighted<HeadParents> kHeadParents[] = {
    {HeadParents::kNone, 85},
    {HeadParents::kBoth, 5},
    {HeadParents::kLateFatherAndMother, 3},
    {HeadParents::kMother, 5},
    {HeadParents::kFather, 2}};
constexpr int kHeadParentsMaxHeadAge = 60;

// Births registered where the family lives, for adults and for children.
constexpr double kAdultBornInProvince = 0.85;  // among the Kinh; minorities stay in the province
constexpr double kAdultBornInCommune = 0.5;  // of those born in the province
constexpr double kChildBornInCommune = 0.9;  // else elsewhere in the province
constexpr double kHometownIsBirthplace = 0.75;  // else elsewhere in the birth province

// Partial birth dates of the elderly: share by birth year, and how much is known.
double PartialBirthShare(int birth_year) {
  if (birth_year < 1945) return 0.55;
  if (birth_year < 1960) return 0.25;
  return 0;
}
constexpr double kYearOnly = 0.65;  // else year and month

// Young adults living (and registered temporarily) away from home.
constexpr int kAwayFromAge = 18;
constexpr int kAwayToAge = 35;
constexpr double kAway = 0.12;
constexpr double kAwayInOtherProvince = 0.6;

MaritalStatus MaritalStatusOf(Union u) {
  switch (u) {
    case Union::kMarried: return MaritalStatus::MARRIED;
    case Union::kSingle: return MaritalStatus::SINGLE;
    case Union::kDivorced: return MaritalStatus::DIVORCED;
    case Union::kWidowed: return MaritalStatus::WIDOWED;
  }
  return MaritalStatus::UNKNOWN;
}

template <typename T, size_t N>
std::span<const Weighted<T>> Shares(const std::array<Weighted<T>, N>& shares) {
  return shares;
}

// The first of `bands` whose `below` exceeds `value`; the last band is unbounded.
template <typename Band, size_t N>
const Band& BandFor(const Band (&bands)[N], int value) {
  return *std::find_if(bands, bands + N, [&](const Band& band) { return value < band.below; });
}

}  // namespace

// Builds one household, member by member, up to its capacity.
class FamilyMaker::Builder {
 public:
  Builder(const FamilyMaker& maker, size_t capacity)
      : maker_(maker), random_(maker.random_), capacity_(capacity) {}

  Household Build() {
    const Locality& home = maker_.geography_.home();
    household_.ethnicity = DrawEthnicGroup(home.province, random_);
    household_.religion = random_.PickWeighted(std::span(kReligions));
    household_.address = AddressIn(home, random_);

    const AgeRange range = random_.PickWeighted(std::span(kHeadAges));
    const int head_age = random_.Between(range.from, range.to);
    const Sex head_sex = random_.Chance(head_age >= 65 ? 0.55 : 0.8) ? Sex::MALE : Sex::FEMALE;
    const int head = Add(Adult(head_sex, BirthDateAtAge(head_age), Relationship::HEAD));
    const Union head_union = random_.PickWeighted(Shares(BandFor(kUnions, head_age).shares));
    members()[head].marital_status = MaritalStatusOf(head_union);

    int partner = kNobody;
    if (head_union == Union::kMarried ||
        (head_union == Union::kWidowed && random_.Chance(kLateSpouseKept))) {
      partner = Add(
          Adult(OppositeSex(head_sex), PartnerBirth(members()[head]), Relationship::SPOUSE));
      if (partner != kNobody) {
        members()[partner].marital_status = MaritalStatus::MARRIED;
        if (head_union == Union::kMarried) Marry(head, partner);
        else members()[partner].deceased = true;
      }
    }
    if (head_age <= kHeadParentsMaxHeadAge) AddParentsOfHead(head);
    if (head_union != Union::kSingle) AddChildrenOfHead(head, partner, head_age);

    for (Member& member : members()) {
      if (member.deceased) member.death_date = DeathDate(member);
    }
    for (Member& member : members()) {
      MaybeForgetBirthDay(member);
      MaybeLiveAway(member);
    }
    return std::move(household_);
  }

 private:
  std::vector<Member>& members() { return household_.members; }

  // Adds `member` unless the household is full; returns its index or kNobody.
  int Add(Member member) {
    if (members().size() >= capacity_) return kNobody;
    members().push_back(std::move(member));
    return static_cast<int>(members().size() - 1);
  }

  void Marry(int a, int b) {
    members()[a].spouse = b;
    members()[b].spouse = a;
    members()[a].marital_status = MaritalStatus::MARRIED;
    members()[b].marital_status = MaritalStatus::MARRIED;
  }

  PartialDateValue Today() const { return maker_.today_; }

  // A birth date that makes a person `age` years old today.
  PartialDateValue BirthDateAtAge(int age) {
    return DayBetween(AddDays(AddYears(Today(), -age - 1), 1), AddYears(Today(), -age), random_);
  }

  // A birth date about `years` years after `birth` (before, when negative), on another day.
  PartialDateValue YearsAfter(PartialDateValue birth, int years) {
    return AddDays(AddYears(birth, years), random_.Between(-182, 182));
  }

  // The birth date of the partner of `person`, from the usual age gap of couples.
  PartialDateValue PartnerBirth(const Member& person) {
    return PartnerBirth(person.sex, person.birth_date);
  }
  PartialDateValue PartnerBirth(Sex sex, PartialDateValue person_birth) {
    const int husband_older_by = random_.PickWeighted(std::span(kHusbandOlderBy));
    const PartialDateValue birth =
        YearsAfter(person_birth, sex == Sex::MALE ? husband_older_by : -husband_older_by);
    const int age = AgeOn(birth, Today());
    if (age < kAdultAge) return BirthDateAtAge(kAdultAge);
    if (age > kMaxAge) return BirthDateAtAge(kMaxAge);
    return birth;
  }

  std::string_view NewFamilyName() {
    return Names::Get().FamilyName(household_.ethnicity, maker_.southern_, random_);
  }

  Member Person(Sex sex, PartialDateValue birth, std::string_view family_name,
                const Locality* registration, const storage::Unit* hometown,
                Relationship relationship) {
    Member member;
    member.family_name = family_name;
    member.full_name =
        std::string(family_name) + " " + Names::Get().MiddleAndGiven(sex, birth.year, random_);
    member.sex = sex;
    member.birth_date = birth;
    member.birth_registration = registration;
    member.hometown = hometown;
    member.relationship = relationship;
    return member;
  }

  // An adult who joined or founded the household, born in the province or (only among the Kinh)
  // elsewhere, with a hometown near the birthplace; of a new family unless `family_name` is given.
  Member Adult(Sex sex, PartialDateValue birth, Relationship relationship,
               std::string_view family_name = {}) {
    const Geography& geography = maker_.geography_;
    const Locality* registration = &geography.Elsewhere(random_);
    if (household_.ethnicity != kKinh || random_.Chance(kAdultBornInProvince)) {
      registration = random_.Chance(kAdultBornInCommune)
                         ? &geography.home()
                         : &geography.NearTo(geography.home(), random_);
    }
    const storage::Unit* hometown = random_.Chance(kHometownIsBirthplace)
                                        ? registration->commune
                                        : geography.NearTo(*registration, random_).commune;
    return Person(sex, birth, family_name.empty() ? NewFamilyName() : family_name, registration,
                  hometown, relationship);
  }

  // The head's father and mother, when they live with the head. The father shares the head's
  // family name and hometown.
  void AddParentsOfHead(int head) {
    const HeadParents parents = random_.PickWeighted(std::span(kHeadParents));
    if (parents == HeadParents::kNone) return;
    const std::string_view family_name = members()[head].family_name;
    const storage::Unit* hometown = members()[head].hometown;
    const PartialDateValue father_birth =
        YearsAfter(members()[head].birth_date, -random_.Between(22, 32));
    int father = kNobody;
    if (parents != HeadParents::kMother) {
      Member member = Adult(Sex::MALE, father_birth, Relationship::PARENT, family_name);
      member.hometown = hometown;
      member.deceased = parents == HeadParents::kLateFatherAndMother;
      member.marital_status =
          parents == HeadParents::kFather ? MaritalStatus::WIDOWED : MaritalStatus::MARRIED;
      father = Add(std::move(member));
    }
    int mother = kNobody;
    if (parents != HeadParents::kFather) {
      Member member =
          Adult(Sex::FEMALE, PartnerBirth(Sex::MALE, father_birth), Relationship::PARENT);
      member.marital_status =
          parents == HeadParents::kBoth ? MaritalStatus::MARRIED : MaritalStatus::WIDOWED;
      mother = Add(std::move(member));
    }
    if (parents == HeadParents::kBoth && father != kNobody && mother != kNobody) {
      Marry(father, mother);
    }
    members()[head].father = father;
    members()[head].mother = mother;
  }

  // The children of the head (and the partner, living or late) still at home; in an older
  // household, perhaps the youngest son with his wife and children.
  void AddChildrenOfHead(int head, int partner, int head_age) {
    const bool head_is_man = members()[head].sex == Sex::MALE;
    const int father = head_is_man ? head : partner;
    const int mother = head_is_man ? partner : head;
    const PartialDateValue mother_birth =
        mother != kNobody ? members()[mother].birth_date : PartnerBirth(members()[head]);
    const std::string_view family_name =
        father != kNobody ? members()[father].family_name : NewFamilyName();
    const storage::Unit* hometown = members()[father != kNobody ? father : head].hometown;
    const int son = AddChildren(father, mother, mother_birth, family_name, hometown,
                                Relationship::CHILD, head_age >= kSonStaysFromHeadAge);
    if (son == kNobody || AgeOn(members()[son].birth_date, Today()) < kSonMarriesAge ||
        !random_.Chance(kSonStaysMarried)) {
      return;
    }
    const int wife =
        Add(Adult(Sex::FEMALE, PartnerBirth(members()[son]), Relationship::OTHER));
    if (wife == kNobody) return;
    Marry(son, wife);
    AddChildren(son, wife, members()[wife].birth_date, members()[son].family_name,
                members()[son].hometown, Relationship::GRANDCHILD, false);
  }

  // Adds the children of `father` and `mother` (members or kNobody) who live at home, born to a
  // mother born on `mother_birth`. When `youngest_son_may_stay`, the youngest son stays home more
  // often; returns him when he does, else kNobody.
  int AddChildren(int father, int mother, PartialDateValue mother_birth,
                  std::string_view family_name, const storage::Unit* hometown,
                  Relationship relationship, bool youngest_son_may_stay) {
    const int wanted =
        random_.PickWeighted(Shares(BandFor(kFertility, mother_birth.year).children));
    struct Birth {
      PartialDateValue date;
      Sex sex;
    };
    std::vector<Birth> births;
    PartialDateValue date =
        YearsAfter(mother_birth, random_.Between(kFirstBirthMin, kFirstBirthMax));
    while (static_cast<int>(births.size()) < wanted && DayNumber(date) <= DayNumber(Today()) &&
           AgeOn(mother_birth, date) <= kLastBirthMax) {
      births.push_back({date, random_.Chance(kMaleBirths) ? Sex::MALE : Sex::FEMALE});
      date = AddDays(date, random_.Between(540, 1500));  // 18 months to 4 years apart
    }
    const auto youngest_son = std::find_if(births.rbegin(), births.rend(),
                                           [](const Birth& b) { return b.sex == Sex::MALE; });
    const bool son_stays = youngest_son_may_stay && youngest_son != births.rend() &&
                           random_.Chance(kSonStays);
    int staying_son = kNobody;
    for (auto it = births.begin(); it != births.end(); ++it) {
      const bool is_staying_son = son_stays && it == std::prev(youngest_son.base());
      if (!is_staying_son && !random_.Chance(AtHomeShare(AgeOn(it->date, Today())))) continue;
      const Locality& home = maker_.geography_.home();
      const Locality* registration = random_.Chance(kChildBornInCommune)
                                         ? &home
                                         : &maker_.geography_.NearTo(home, random_);
      Member child = Person(it->sex, it->date, family_name, registration, hometown, relationship);
      child.marital_status = MaritalStatus::SINGLE;
      child.father = father;
      child.mother = mother;
      const int index = Add(std::move(child));
      if (is_staying_son) staying_son = index;
    }
    return staying_son;
  }

  // A day in the last years (after the birth of the member's youngest child in the household).
  PartialDateValue DeathDate(const Member& member) {
    const int self = static_cast<int>(&member - members().data());
    int first = DayNumber(AddYears(Today(), -kDeathWindowYears));
    for (const Member& other : members()) {
      if (other.father == self || other.mother == self) {
        first = std::max(first, DayNumber(other.birth_date));
      }
    }
    const int today = DayNumber(Today());
    return DateOfDayNumber(random_.Between(std::min(first, today), today));
  }

  void MaybeForgetBirthDay(Member& member) {
    if (!random_.Chance(PartialBirthShare(member.birth_date.year))) return;
    member.birth_date.day = 0;
    if (random_.Chance(kYearOnly)) member.birth_date.month = 0;
  }

  void MaybeLiveAway(Member& member) {
    const int age = AgeOn(member.birth_date, Today());
    if (member.relationship == Relationship::HEAD || member.deceased || age < kAwayFromAge ||
        age > kAwayToAge || !random_.Chance(kAway)) {
      return;
    }
    const Geography& geography = maker_.geography_;
    const Locality& away = random_.Chance(kAwayInOtherProvince)
                               ? geography.Elsewhere(random_)
                               : geography.NearTo(geography.home(), random_);
    if (&away == &geography.home()) return;
    member.living_elsewhere = &away;
    member.elsewhere_address = AddressIn(away, random_);
  }

  const FamilyMaker& maker_;
  Random& random_;
  size_t capacity_;
  Household household_;
};

FamilyMaker::FamilyMaker(const Geography& geography, storage::PartialDateValue today,
                         Random& random)
    : geography_(geography),
      today_(today),
      random_(random),
      southern_(geography.home().ProvinceNumber() >= kFirstSouthernProvince) {}

Household FamilyMaker::Make(size_t max_members) {
  return Builder(*this, std::min(kMaxHouseholdSize, max_members)).Build();
}

}  // namespace dancu::tools::gen
