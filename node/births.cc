#include "node/births.h"

#include <string>

#include "node/leases.h"

namespace dancu::node {

namespace {

std::string StringMember(const nlohmann::json& values, const char* key) {
  auto it = values.find(key);
  return it != values.end() && it->is_string() ? it->get<std::string>() : "";
}

int BirthYear(const nlohmann::json& values) {
  const std::string born = StringMember(values, "birth_date");
  if (born.size() < 4 || born.find_first_not_of("0123456789", 0) < 4) return 0;
  return std::stoi(born.substr(0, 4));
}

}  // namespace

storage::FieldErrors CheckBirthValues(const nlohmann::json& values) {
  storage::FieldErrors errors;
  if (values.contains("citizen_no")) {
    errors.push_back({"citizen_no", "a birth gets its citizen number from the node's leased block: leave it out"});
  }
  const std::string sex = StringMember(values, "sex");
  if (sex != "male" && sex != "female") errors.push_back({"sex", "a birth needs the sex, male or female"});
  if (BirthYear(values) == 0) errors.push_back({"birth_date", "a birth needs the birth date"});
  return errors;
}

Status AssignBirthCitizenNo(Node& node, nlohmann::json& values) {
  auto province = ProvinceCodeOf(node);
  if (!province.ok()) return province.status();
  auto remaining = RemainingSerials(node, *province);
  if (!remaining.ok()) return remaining.status();
  if (*remaining == 0) {
    return Status::FailedPrecondition(
        "this node holds no citizen-number serials: sync with the parent, which leases it a block");
  }
  auto number = IssueCitizenNo(node, StringMember(values, "sex") == "male" ? schema::Sex::MALE : schema::Sex::FEMALE,
                               BirthYear(values));
  if (!number.ok()) return number.status();
  values["citizen_no"] = *number;
  return Status::Ok();
}

}  // namespace dancu::node
