// Writes generated resident records as JSON lines: clean, or with one deliberate defect.
//
// Record defects (citizen number, unit, dates) are put into the record before it becomes JSON;
// JSON defects (a malformed date string, a wrong type, a missing name, a line that is not JSON)
// into its JSON form or text. A defect that changes the citizen number changes it wherever the
// record repeats it (card.card_no, household.head_citizen_no of a head), and draws new numbers
// from the run's Identifiers, so no two lines of a run share a number.
//
// Thread-safety: not thread-safe (uses the run's Random and Identifiers). Nothing throws.
#pragma once

#include <string>

#include "storage/partial_date.h"
#include "storage/resident.capnp.h"
#include "tools/gen/geography.h"
#include "tools/gen/identifiers.h"
#include "tools/gen/random.h"
#include "tools/gen/resident_generator.h"

namespace dancu::tools::gen {

class LineWriter {
 public:
  // `home` is the generator's commune. The references must outlive the writer.
  LineWriter(const Locality& home, storage::PartialDateValue today, Identifiers& identifiers,
             Random& random);

  // The line (without its newline) of the valid record `record` with `defect` put in (kNone: the
  // record as it is). May change `record`.
  std::string Line(schema::Resident::Builder record, Defect defect);

 private:
  void SpoilRecord(Defect defect, schema::Resident::Builder record);
  std::string SpoilJson(Defect defect, schema::Resident::Reader record);

  std::string BadProvinceCode();
  void ReplaceCitizenNumber(schema::Resident::Builder record, const std::string& number);

  const Locality& home_;
  storage::PartialDateValue today_;
  Identifiers& identifiers_;
  Random& random_;
};

}  // namespace dancu::tools::gen
