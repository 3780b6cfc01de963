// A chip card read that differs from the resident's record, as a case for the review queue: the
// cardReview operation sets the record's card_review {open, differences} and the store opens a
// cardDiffers conflict on every node the change reaches (storage/record_stage.h OpenCardCase), so
// the case replicates with the record up to the operators who decide it. An operator closes it
// (node/conflicts.h, keep "closed") with a change that saw it, after correcting the record or
// deciding the record stands.
//
// The case carries only the fields that differ, as the card and the record said them (node/
// card_check.h): never the card's face or any other biometric data.
//
// Pure functions, thread-safe. Errors: InvalidArgument for differences that are not a case.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "node/card_check.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::node {

// The record values of the cardReview change opening a case (node/resident_drafts.h MakeDraft):
// {"card_review": {"open": true, "differences": [...]}}. `differences` is a JSON array of
// {field, card, record} strings as `CardDifferencesJson` makes them: at least one, each naming a
// field that node/card_check.h compares; anything else is InvalidArgument saying what is wrong.
Result<nlohmann::json> OpenCardCaseValues(const nlohmann::json& differences);

// The differences as the console's API carries them: [{field, card, record}].
nlohmann::json CardDifferencesJson(const std::vector<CardDifference>& differences);

// The draft closing the case open on `record_id`, in the name of the officer who decides it.
storage::Draft CloseCardCaseDraft(const std::string& record_id);

}  // namespace dancu::node
