// The officer's operations on residents, as drafts for the store.
//
// Each operation may set only its own fields; everything else must go through its own operation,
// so that the change log says what happened ("recordDeath", "move") and not only which values
// changed:
//   create          any field but id, merged_into, biometrics (home_unit defaults to the
//                   permanent residence)
//   update          corrections: any field but id, home_unit, merged_into, status, death_date,
//                   household, card, biometrics and the residences
//   recordDeath     status, death_date
//   move            permanent_residence, temporary_residence, current_residence, home_unit
//                   (home_unit follows the permanent residence when not given)
//   household       household
//   cardStatus      card
//   mergeDuplicate  merged_into
//   markDistinct    distinct_from (the records an operator judged to be other people)
//   enrollFinger, fingerException, enrollPhoto
//                   biometrics (node/enrollment.h builds these drafts, with their blobs)
//   cardReview      card_review (node/card_case.h: a chip card read that differs, as a case)
//
// Pure functions, thread-safe. Errors are per-field, as storage/validation.h reports them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "storage/change.capnp.h"
#include "storage/store.h"
#include "storage/validation.h"

namespace dancu::node {

struct DraftOrErrors {
  storage::Draft draft;
  storage::FieldErrors errors;  // empty when `draft` may be appended
};

// Builds the draft of `operation` on `record_id` (empty for create) setting the fields of the JSON
// object `values` (keys as in storage/record_json.h), in the name and role of its officer.
DraftOrErrors MakeDraft(schema::Operation operation, const std::string& record_id,
                        const nlohmann::json& values, const std::string& officer,
                        schema::OfficerRole role = schema::OfficerRole::CLERK);

std::string OperationName(schema::Operation operation);  // "create", "recordDeath", ...

}  // namespace dancu::node
