// The name lists of tools/gen/data/, compiled into dancu_gen by tools/gen/CMakeLists.txt (which
// generates names_data.cc from names_data.cc.in). Read them through tools/gen/names.h.
#pragma once

#include <string_view>

namespace dancu::tools::gen::data {

extern const std::string_view kBoyNames;   // boy.txt: one middle+given name a line
extern const std::string_view kGirlNames;  // girl.txt: one middle+given name a line

}  // namespace dancu::tools::gen::data
