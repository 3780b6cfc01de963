// Matching an agency's claims against a resident record (docs/agency-verification.md).
//
// full_name: exact (the same Unicode text), folded (equal after storage/name_fold.h: diacritics and
// case ignored) or fuzzy (folded names whose similarity, 1 - Levenshtein distance / longer length,
// is at least min_score); birth_date: equal to the given precision (a record whose date is less
// precise than asked does not match); sex; alive (the record's status is alive, or is not).
//
// Pure functions, thread-safe; the same work for any record, so a missing record (matched as the
// empty record) costs what a present one does.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "node/ida_protocol.h"
#include "storage/resident.capnp.h"

namespace dancu::node {

// One result per claim asked, in VerifyRequest::Claims() order.
std::vector<std::pair<schema::Claim, bool>> MatchClaims(const VerifyRequest& request, schema::Resident::Reader record);

// 1 - Levenshtein(a, b) / max(|a|, |b|) over bytes; 1 for two empty strings.
double Similarity(std::string_view a, std::string_view b);

}  // namespace dancu::node
