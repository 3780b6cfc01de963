// DG13 of the Vietnamese chip citizen-ID card (CCCD): the holder's personal data, which the
// state writes as a list of fields, each a SEQUENCE of an INTEGER field number and its value
// strings (UTF-8). Fields are found by number, never by position: card generations differ, so
// missing fields stay empty and fields we do not know are kept in `other`.
//
// Field numbers: 1 citizen number, 2 full name, 3 birth date (dd/mm/yyyy), 4 sex, 5 nationality,
// 6 ethnicity, 7 religion, 8 hometown, 9 permanent residence, 10 identifying marks, 11 issue
// date, 12 expiry (free text, e.g. "Không thời hạn"), 13 father then mother, 14 spouse,
// 15 old 9-digit ID number, 16 unknown.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "devices/card/bytes.h"
#include "devices/result.h"

namespace dancu::devices::card {

struct CitizenData {
  std::string citizen_no;
  std::string full_name;
  std::string birth_date;  // as printed: dd/mm/yyyy
  std::string sex;         // as printed: "Nam" or "Nữ"
  std::string nationality;
  std::string ethnicity;
  std::string religion;
  std::string hometown;
  std::string permanent_residence;
  std::string identifying_marks;
  std::string issue_date;  // dd/mm/yyyy
  std::string expiry;      // free text
  std::string father;
  std::string mother;
  std::string spouse;
  std::string old_id_no;
  std::map<int, std::vector<std::string>> other;  // fields with numbers we do not know
};

// kUnsupportedCard when the bytes are not a DG13 at all; a DG13 with fields missing parses.
Result<CitizenData> ParseDg13(const Bytes& dg13);

// DG13 as the card issuer writes it (for the software card and the tests).
Bytes EncodeDg13(const CitizenData& data);

}  // namespace dancu::devices::card
