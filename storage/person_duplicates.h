// The check for demographic duplicates a hub or central runs on every record a batch changes
// (Store::Append and Store::Ingest with StoreOptions::hub): the record is compared with the
// records of its duplicate blocks (storage/person_match.h) and each likely one person with it
// becomes a duplicate case (ConflictKind duplicatePerson), under both records, in the batch's
// WriteBatch. A case is raised once: its id depends only on the two records
// (storage/conflict_key.h DuplicateCaseId), so every node names it alike, and a pair that has a
// case already (open or decided) is not raised again. Merging one record into the other, or
// marking them distinct (markDistinct), settles it (RecordStage::SettleConflicts); distinct_from
// keeps the pair from being raised again anywhere.
//
// Internal to the store: called under its mutex with the batch's stage; not thread-safe.
// Errors: the store's reads (IOError, Corruption).
#pragma once

#include <cstdint>
#include <string>

#include "storage/conflict_key.h"
#include "storage/record_stage.h"

namespace dancu::storage {

// Raises the cases of record `state` (as the batch leaves it; tombstones and fragments have none),
// changed by `version`. Returns how many cases it raised.
[[nodiscard]] Result<uint64_t> RaisePersonDuplicates(RecordStage& stage, schema::RecordState::Reader state,
                                                     VersionRef version, uint64_t now_ms);

}  // namespace dancu::storage
