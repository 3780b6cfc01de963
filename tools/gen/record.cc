#include "tools/gen/record.h"

#include <string>

#include "tools/gen/calendar.h"

namespace dancu::tools::gen {

namespace {

using schema::CardStatus;

constexpr const char* kNationality = "VN";  // ISO 3166-1 alpha-2

// Cap'n Proto copies text from a NUL-terminated pointer; unit codes are views into larger text.
std::string Owned(std::string_view text) { return std::string(text); }

void SetPlace(std::string_view unit, const std::string& address, schema::Place::Builder out) {
  out.setUnit(Owned(unit).c_str());
  if (!address.empty()) out.setAddress(address.c_str());
}

void SetPerson(const Member& member, schema::PersonRef::Builder out) {
  if (!member.citizen_no.empty()) out.setCitizenNo(member.citizen_no.c_str());
  out.setName(member.full_name.c_str());
}

void SetCard(const Member& member, schema::CardApplication::Builder out) {
  const Card& card = member.card;
  out.setApplicationId(card.application_id.c_str());
  storage::WritePartialDate(card.applied_on, out.initAppliedOn());
  out.setStatus(card.status);
  if (card.status == CardStatus::PRODUCED || card.status == CardStatus::ISSUED) {
    out.setCardNo(member.citizen_no.c_str());
  }
  if (!card.issued_on.unknown()) storage::WritePartialDate(card.issued_on, out.initIssuedOn());
  if (!card.expires_on.unknown()) storage::WritePartialDate(card.expires_on, out.initExpiresOn());
}

// The living parent in the household who represents a minor: the father, else the mother.
const Member* RepresentativeOf(const Household& household, const Member& member) {
  for (int parent : {member.father, member.mother}) {
    if (parent != kNobody && !household.members[parent].deceased) {
      return &household.members[parent];
    }
  }
  return nullptr;
}

}  // namespace

void FillResident(const Household& household, size_t index, const Locality& home,
                  storage::PartialDateValue today, schema::Resident::Builder out) {
  const Member& member = household.members[index];
  if (!member.citizen_no.empty()) out.setCitizenNo(member.citizen_no.c_str());
  if (!member.old_id_no.empty()) out.setOldIdNo(member.old_id_no.c_str());
  out.setFullName(member.full_name.c_str());
  storage::WritePartialDate(member.birth_date, out.initBirthDate());
  out.setSex(member.sex);
  SetPlace(member.birth_registration->commune->code, {}, out.initBirthRegistrationPlace());
  SetPlace(member.birth_registration->commune->code, {}, out.initBirthPlace());
  SetPlace(member.hometown->code, {}, out.initHometown());
  out.setEthnicity(household.ethnicity);
  if (!household.religion.empty()) out.setReligion(Owned(household.religion).c_str());
  out.setNationality(kNationality);
  out.setMaritalStatus(member.marital_status);
  out.setBloodType(member.blood_type);
  SetPlace(home.commune->code, household.address, out.initPermanentResidence());
  if (member.living_elsewhere != nullptr) {
    SetPlace(member.living_elsewhere->commune->code, member.elsewhere_address,
             out.initTemporaryResidence());
    SetPlace(member.living_elsewhere->commune->code, member.elsewhere_address,
             out.initCurrentResidence());
  } else {
    SetPlace(home.commune->code, household.address, out.initCurrentResidence());
  }

  auto out_household = out.initHousehold();
  out_household.setId(household.id.c_str());
  const Member& head = household.members.front();
  if (!head.citizen_no.empty()) out_household.setHeadCitizenNo(head.citizen_no.c_str());
  out_household.setRelationship(member.relationship);

  if (member.father != kNobody) SetPerson(household.members[member.father], out.initFather());
  if (member.mother != kNobody) SetPerson(household.members[member.mother], out.initMother());
  if (member.spouse != kNobody) SetPerson(household.members[member.spouse], out.initSpouse());
  if (AgeOn(member.birth_date, today) < kAdultAge) {
    if (const Member* representative = RepresentativeOf(household, member)) {
      SetPerson(*representative, out.initRepresentative());
    }
  }
  if (member.deceased) {
    out.setStatus(schema::LifeStatus::DECEASED);
    storage::WritePartialDate(member.death_date, out.initDeathDate());
  }
  if (member.card.status != CardStatus::NONE) SetCard(member, out.initCard());
}

}  // namespace dancu::tools::gen
