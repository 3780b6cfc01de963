// Conflicts: the review queue of concurrent edits and duplicate citizen numbers that ingest
// records (storage/ingest.capnp Conflict), as `dancu conflicts` and the web console show and
// decide them.
//
// A conflict is shown as JSON: {id, record, kind ("concurrent_edit" | "duplicate_citizen_no" |
// "card_differs" | "duplicate_person"),
// review, detected_at_ms, open, resolved_by?} and, for an edit, {field, kept, other} (versions as
// "ORIGINHEX/SEQ") with `sides`: {kept, other}, each {version, origin, seq, officer, hlc, value}
// (the value the change gave the field, in the record's JSON form, null if it cleared it), so
// the competing values can be set side by side; for a duplicate, {other_record}; for a card case
// (node/card_case.h), card: {version, officer, hlc, differences: [{field, card, record}]}.
//
// A decision is a draft that has seen both sides: for an edit, the field set again to the kept or
// the other change's value (under the operation that may set it); for a duplicate citizen number,
// the other record merged into the surviving one; for a card case, the case closed; for a
// duplicate person (storage/person_duplicates.h), that merge, or (keep "distinct") the case's
// record marked distinct from the other (markDistinct: distinct_from gains the other record), so
// that no node raises the pair again. Appended, it settles the conflict on every node it reaches.
//
// Pure reads of the store; thread-safe as the Store. Errors: NotFound for an unknown conflict id
// or a change missing from the log, FailedPrecondition for a conflict resolved already,
// PermissionDenied for an officer whose role does not decide,
// InvalidArgument for a `keep` that names neither side; the store's errors otherwise.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "node/officers.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::node {

// The `keep` of a decision that two records likely of one person are two people.
inline constexpr const char* kDistinct = "distinct";

// The conflicts held by the node (of record `record` only, when not empty): the open ones an
// operator must review, or with `all` every one (also those settled by the deterministic merge,
// and those resolved). A duplicate case, kept under both its records, is listed once (as the first
// record scanned sees it). Unreadable entries are skipped.
Result<nlohmann::json> ListConflicts(const storage::Store& store, bool all, const std::string& record = "");

// The draft, in `officer`'s name and role, that resolves conflict `id` keeping `keep`: "kept" or
// "other" for a concurrent edit, the surviving record id for a duplicate citizen number, that or
// kDistinct for a duplicate person, "closed" for a card case.
// PermissionDenied unless the officer may decide on this node (`hub`: node/officers.h CheckMayDecide).
Result<storage::Draft> ResolvingDraft(const storage::Store& store, const std::string& id, const std::string& keep,
                                      const Officer& officer, bool hub);

}  // namespace dancu::node
