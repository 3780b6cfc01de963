// The TSV files of storage/reference/, compiled into dancu_storage by storage/CMakeLists.txt
// (which generates embedded.cc from embedded.cc.in). Read them through storage/units.h.
#pragma once

#include <string_view>

namespace dancu::storage::reference {

extern const std::string_view kUnits2023Tsv;   // units_2023.tsv
extern const std::string_view kUnits2025Tsv;   // units_2025.tsv
extern const std::string_view kMerges2025Tsv;  // merges_2025.tsv

}  // namespace dancu::storage::reference
