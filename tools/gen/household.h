// A generated household as plain values: who lives together, how they are related and what papers
// they hold, before tools/gen/record.h turns each member into a resident record.
//
// Thread-safety: plain values. Pointers refer to the immutable unit registry and to the Geography
// the household was made with, which must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/partial_date.h"
#include "storage/resident.capnp.h"
#include "tools/gen/geography.h"

namespace dancu::tools::gen {

// The citizen-ID card (CCCD) application of a member.
struct Card {
  schema::CardStatus status = schema::CardStatus::NONE;
  std::string application_id;
  storage::PartialDateValue applied_on;
  storage::PartialDateValue issued_on;   // when status is ISSUED
  storage::PartialDateValue expires_on;  // unknown for a card valid for life
};

inline constexpr int kAdultAge = 18;  // the age of majority
inline constexpr int kNobody = -1;  // a member index naming no member

inline schema::Sex OppositeSex(schema::Sex sex) {
  return sex == schema::Sex::MALE ? schema::Sex::FEMALE : schema::Sex::MALE;
}

struct Member {
  std::string full_name;
  std::string_view family_name;  // the first word of full_name, which children inherit
  schema::Sex sex = schema::Sex::UNKNOWN;
  storage::PartialDateValue birth_date;  // complete, or partial for some of the elderly
  const Locality* birth_registration = nullptr;
  const storage::Unit* hometown = nullptr;
  schema::Relationship relationship = schema::Relationship::UNKNOWN;  // to the head
  schema::MaritalStatus marital_status = schema::MaritalStatus::UNKNOWN;
  int father = kNobody;  // indices into Household::members
  int mother = kNobody;
  int spouse = kNobody;
  bool deceased = false;
  storage::PartialDateValue death_date;
  const Locality* living_elsewhere = nullptr;  // current and temporary residence when away
  std::string elsewhere_address;

  // Papers (tools/gen/papers.h).
  std::string citizen_no;  // empty while not issued
  std::string old_id_no;
  schema::BloodType blood_type = schema::BloodType::UNKNOWN;
  Card card;
};

struct Household {
  std::string id;
  std::string address;  // of the house, in the home commune
  uint8_t ethnicity = 0;
  std::string_view religion;
  std::vector<Member> members;  // members[0] is the head
};

}  // namespace dancu::tools::gen
