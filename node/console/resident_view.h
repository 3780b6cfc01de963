// What the console shows of a resident: the record with its validation state, its household, what
// its CCCD application still lacks, its biometrics summary, and the history of its changes.
//
// Reads only, through the Store (thread-safe). Errors: NotFound for an unknown record; Corruption
// for stored bytes that fail to decode. The history scans the whole change log (every origin),
// which is fine for a commune's few hundred thousand entries; an index by record can replace it
// when hubs need it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "node/node.h"
#include "storage/status.h"

namespace dancu::console {

// The record id `ref` names: a record id as given, or the record holding a 12-digit citizen
// number (NotFound when none does).
Result<std::string> ResolveResident(const storage::Store& store, const std::string& ref);

// {"id", "record": {...}, "clean", "errors": [...], "gaps": [...], "unit_name",
//  "unit_names": {code: name, for every unit the record names},
//  "household": [{"id", "full_name", "relationship", "birth_date", "status"}],
//  "application": {"status", "ready", "missing": [{"field", "reason"}]}}
Result<nlohmann::json> ResidentView(const node::Node& node, const std::string& record_id);

// One line of a search result or household list: id, citizen_no, full_name, birth_date, sex,
// status, unit, unit_name.
Result<nlohmann::json> ResidentSummary(const storage::Store& store, const std::string& record_id);

// The record's changes, oldest first: [{"origin", "seq", "time" (ISO 8601 UTC), "officer",
// "operation", "fields": [json keys], "values": {...}}].
Result<nlohmann::json> ResidentHistory(const storage::Store& store, const std::string& record_id);

// The record's current JSON form only (for building a change's values).
Result<nlohmann::json> ResidentJson(const storage::Store& store, const std::string& record_id);

// "Xã Lũng Cú" for a unit code, from the 2025 or 2023 reference data; "" when unknown.
std::string UnitName(const std::string& code);

}  // namespace dancu::console
