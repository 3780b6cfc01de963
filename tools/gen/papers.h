// The papers of a generated resident: citizen number, old identity card number, blood type and
// citizen-ID card (CCCD) application.
//
//   - citizen number: everyone but most newborns, whose numbers are not issued yet; PPP is the
//     province of birth registration, G and YY follow sex and birth year (storage/citizen_number.h)
//   - old identity card (CMND, 9 digits): some of those old enough to have held one before 2021
//   - blood type: known for some
//   - card: a share of the living from age 14, applied for in the last four years; applied, then
//     produced, then issued 10-40 days later; it expires at 25, 40 or 60 (the first such age more
//     than two years after issue), or never when issued from 58 on
//
// Thread-safety: not thread-safe (uses the run's Random and Identifiers). Nothing throws.
#pragma once

#include "storage/partial_date.h"
#include "tools/gen/household.h"
#include "tools/gen/identifiers.h"
#include "tools/gen/random.h"

namespace dancu::tools::gen {

// Gives `member` (whose birth, sex, registration and life status are set) its papers as of `today`.
void IssuePapers(Member& member, storage::PartialDateValue today, Identifiers& identifiers,
                 Random& random);

}  // namespace dancu::tools::gen
