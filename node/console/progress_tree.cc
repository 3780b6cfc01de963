#include "node/console/progress_tree.h"

#include <map>
#include <vector>

#include "node/card_places.h"
#include "storage/units.h"

namespace dancu::console {

namespace {

using nlohmann::json;

const char* LevelName(storage::UnitLevel level) {
  switch (level) {
    case storage::UnitLevel::kProvince: return "province";
    case storage::UnitLevel::kDistrict: return "district";
    case storage::UnitLevel::kCommune: return "commune";
  }
  return "commune";
}

struct Row {
  std::string code, name, level, parent;
  int depth = 0;
  storage::UnitTally tally;
};

}  // namespace

json TallyJson(const storage::UnitTally& t) {
  return {{"residents", t.residents}, {"clean", t.clean}, {"deceased", t.deceased}, {"applications", t.applications},
          {"biometrics", t.biometrics}};
}

json ProgressTree(const storage::Report& report, const std::string& node_unit) {
  const auto& units = storage::UnitRegistry::Get();
  const storage::Era preferred = node::NodeEra(node_unit);
  const storage::Era other = preferred == storage::Era::k2025 ? storage::Era::k2023 : storage::Era::k2025;

  // Keyed by the codes from the root down ("02\0026\000715"), so that a map's order is depth first.
  std::map<std::string, Row> rows;
  for (const auto& [code, tally] : report.units) {
    const storage::Unit* unit = units.Find(code, preferred);
    if (unit == nullptr) unit = units.Find(code, other);
    std::vector<const storage::Unit*> path;
    for (const storage::Unit* u = unit; u != nullptr; u = u->parent.empty() ? nullptr : units.Find(u->parent, u->era)) {
      path.insert(path.begin(), u);
    }
    if (path.empty()) {
      Row& row = rows[code];
      row.code = code;
      row.level = "commune";
      row.tally.Add(tally);
      continue;
    }
    std::string key;
    for (size_t depth = 0; depth < path.size(); ++depth) {
      key += std::string(path[depth]->code) + std::string(1, '\0');
      Row& row = rows[key];
      row.code = path[depth]->code;
      row.name = path[depth]->name;
      row.level = LevelName(path[depth]->level);
      row.parent = depth == 0 ? "" : std::string(path[depth - 1]->code);
      row.depth = static_cast<int>(depth);
      row.tally.Add(tally);
    }
  }
  json out = json::array();
  for (const auto& [key, row] : rows) {
    json r = TallyJson(row.tally);
    r["unit"] = row.code;
    r["name"] = row.name;
    r["level"] = row.level;
    r["depth"] = row.depth;
    r["parent"] = row.parent;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace dancu::console
