// The campaign's figures down the tree of administrative units, for hub and central screens: the
// report's per-commune tallies (storage/report.h) summed into their districts and provinces
// (storage/units.h), each row against the campaign's targets — every record clean, every living
// resident with a CCCD application and the biometrics it needs.
//
// Rows come depth first, sorted by code: a province, its districts, each district's communes
// (after the 2025 reform: a province and its communes). Each is {unit, name, level ("province",
// "district", "commune"), depth, parent, residents, clean, deceased, applications, biometrics}. A unit code
// the reference data does not know is a row of its own at depth 0.
//
// A pure function; thread-safe. Nothing fails.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "storage/report.h"

namespace dancu::console {

// `node_unit` (the serving node's unit) picks the era of the unit tree: that of the node's unit
// when it is known in only one era, else the 2023 tree (with its districts).
nlohmann::json ProgressTree(const storage::Report& report, const std::string& node_unit);

// {residents, clean, deceased, applications, biometrics} of a tally (also `dancu report --json`).
nlohmann::json TallyJson(const storage::UnitTally& tally);

}  // namespace dancu::console
