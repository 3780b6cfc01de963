// Demographic duplicates: whether two records are likely one person registered twice (issue 11
// item 5), and the blocking keys that keep the search for such pairs from growing with the
// country.
//
// Blocking. A record is compared only with the records that share one of its block keys. Every
// key holds the birth year and the sex (a duplicate keeps both: they are on every paper), and the
// folded family name and given name (first and last words of the folded full name), the middle
// names left out, so a middle name mistyped, missing or different still meets. A one-character
// typo (a letter wrong, missing, added, or two swapped) in the family or given name is met by
// symmetric deletion: the keys are the pair as written and every form of it with one letter of the
// family name or of the given name deleted; two names one edit apart share at least one of them.
// Diacritics are folded away first ("Nguyễn" and "Nguyen" are one name). About 1 + the letters of
// the two names keys per record (~10). Birth dates only partly known and swapped day/month do not
// touch the keys.
//
// Scoring. SamePersonScore adds evidence of the folded full name, the birth date (equal, day and
// month swapped, consistent with a partial date, or contradicting), the citizen numbers (one digit
// apart is a typo; different numbers are evidence of two people), the parents' names, the
// hometown, the place of birth registration and the ethnic group; a pair scoring at least
// kSamePersonThreshold is a likely duplicate. Pairs whose records name each other in
// distinct_from (an operator's decision), pairs of one citizen number (the duplicate_citizen_no
// case already) and pairs of other sexes or birth years are never likely.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/person_summary.h"

namespace dancu::storage {

// The block keys of `person`, without duplicates; none when the name folds to nothing or the
// birth year or sex is unknown. Each is "family given" \0 year \0 sex digit.
std::vector<std::string> PersonBlockKeys(const PersonSummary& person);

// Whether a and b are within one edit (substitution, insertion, deletion or transposition of
// adjacent characters) of each other, bytewise.
bool WithinOneEdit(std::string_view a, std::string_view b);

// The evidence that a and b are one person (see the file comment); higher is likelier.
double SamePersonScore(const PersonSummary& a, const PersonSummary& b);

inline constexpr double kSamePersonThreshold = 5.5;

// Whether a and b (two records) are likely one person and no operator judged them distinct.
bool LikelySamePerson(const PersonSummary& a, const PersonSummary& b);

}  // namespace dancu::storage
