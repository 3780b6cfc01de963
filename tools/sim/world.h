// The simulated world: a certified tree of real nodes — central, provinces, districts, communes —
// with real 2023 unit codes (storage/units.h), so that authority checks are the real ones.
//
// A WorldTemplate is built once per shape (node::Node::Init, certificates issued and installed as
// `dancu cert issue|install` do, each parent knowing its children's chains) with keys drawn from a
// stream seeded by the shape, so the same shape gives the same node ids in every process. Each
// seed runs on a copy of the template's directories.
//
// Not thread-safe. Errors: Status, naming the node.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "node/node.h"
#include "storage/status.h"

namespace dancu::sim {

// 2025-01-01 00:00 UTC: simulated time starts here.
inline constexpr uint64_t kEpochMs = 1735689600000ull;
inline constexpr uint64_t kMinuteMs = 60'000, kHourMs = 60 * kMinuteMs, kDayMs = 24 * kHourMs;

struct WorldShape {
  int provinces = 2;
  int districts = 4;   // spread over the provinces
  int communes = 40;   // spread over the districts
  bool operator==(const WorldShape&) const = default;
};

struct NodeSpec {
  std::string name;  // "central", "p02", "d026", "c00715": also its directory's name
  schema::Role role = schema::Role::COMMUNE;
  std::string unit;  // "VN" for central
  int parent = -1;   // index in the world's nodes; -1 for central
  int depth = 0;     // 0 central, 1 province, 2 district, 3 commune
  uint64_t node_id = 0;
};

class WorldTemplate {
 public:
  // Builds the template under `dir` (created; must not exist or be empty).
  static Result<std::unique_ptr<WorldTemplate>> Build(const WorldShape& shape, const std::string& dir);

  const WorldShape& shape() const { return shape_; }
  const std::string& dir() const { return dir_; }
  // Central first, then provinces, districts and communes, each level in unit-code order.
  const std::vector<NodeSpec>& nodes() const { return nodes_; }
  // Copies the template's node directories to `dir` (created).
  Status CopyTo(const std::string& dir) const;

 private:
  WorldShape shape_;
  std::string dir_;
  std::vector<NodeSpec> nodes_;
};

// The store options of a simulated node: small caches, every change synced as in production,
// the node's simulated wall clock, and its disk: `env` (not owned; null for the real one), a
// storage/fault_fs.h file system whose syncs only mark what a power cut keeps.
storage::StoreOptions SimStoreOptions(storage::HybridClock::WallClock clock, rocksdb::Env* env);

// Opens a node of a world copied to `world_dir`, its store on `env` (null: the real disk).
Result<std::unique_ptr<node::Node>> OpenSimNode(const std::string& world_dir, const NodeSpec& spec,
                                                storage::HybridClock::WallClock clock, rocksdb::Env* env);

}  // namespace dancu::sim
