#include "tools/sim/world.h"

#include <filesystem>
#include <map>

#include "node/certificates.h"
#include "node/files.h"
#include "node/key_file.h"
#include "node/node_config.h"
#include "storage/units.h"
#include "tools/sim/rng.h"

namespace dancu::sim {

namespace {

namespace fs = std::filesystem;
using storage::Era;
using storage::UnitLevel;
using storage::UnitRegistry;

// Certificates are issued well before simulated time begins and outlast it, so that a clock
// skewed by days still finds them valid (the simulator is about replication, not expiry).
constexpr uint64_t kIssuedMs = kEpochMs - 60 * kDayMs;
constexpr uint64_t kValidDays = 3000;

std::vector<const storage::Unit*> DistrictsOf(std::string_view province) {
  std::vector<const storage::Unit*> out;
  for (const auto& u : UnitRegistry::Get().Units(Era::k2023)) {
    if (u.level == UnitLevel::kDistrict && u.parent == province) out.push_back(&u);
  }
  return out;
}

// How many of `total` items the i-th of `bins` receives when dealt round-robin.
int Share(int total, int bins, int i) { return total / bins + (i < total % bins ? 1 : 0); }

// Chooses real 2023 units for the shape: provinces in code order that have enough districts with
// enough communes.
Result<std::vector<NodeSpec>> ChooseUnits(const WorldShape& shape) {
  if (shape.provinces < 1 || shape.districts < shape.provinces || shape.communes < shape.districts) {
    return Status::InvalidArgument("the world needs 1 <= provinces <= districts <= communes");
  }
  std::vector<NodeSpec> nodes;
  nodes.push_back({"central", schema::Role::CENTRAL, "VN", -1, 0, 0});
  std::vector<std::vector<std::string>> districts_of(shape.provinces);  // chosen district codes
  int province_index = 0, district_index = 0;
  for (const auto& p : UnitRegistry::Get().Units(Era::k2023)) {
    if (province_index == shape.provinces) break;
    if (p.level != UnitLevel::kProvince) continue;
    const int want_districts = Share(shape.districts, shape.provinces, province_index);
    std::vector<std::string> chosen;
    for (const storage::Unit* d : DistrictsOf(p.code)) {
      if (static_cast<int>(chosen.size()) == want_districts) break;
      const int want_communes = Share(shape.communes, shape.districts, district_index + static_cast<int>(chosen.size()));
      if (static_cast<int>(UnitRegistry::Get().Communes(d->code, Era::k2023).size()) >= want_communes) {
        chosen.emplace_back(d->code);
      }
    }
    if (static_cast<int>(chosen.size()) < want_districts) continue;
    districts_of[province_index++] = chosen;
    district_index += want_districts;
  }
  if (province_index < shape.provinces) return Status::InvalidArgument("not enough units for this world");
  std::vector<int> district_nodes;
  for (int p = 0; p < shape.provinces; ++p) {
    const auto* first = UnitRegistry::Get().Find(districts_of[p][0], Era::k2023);
    nodes.push_back({"p" + std::string(first->parent), schema::Role::PROVINCE, std::string(first->parent), 0, 1, 0});
  }
  for (int p = 0; p < shape.provinces; ++p) {
    for (const auto& d : districts_of[p]) {
      district_nodes.push_back(static_cast<int>(nodes.size()));
      nodes.push_back({"d" + d, schema::Role::DISTRICT, d, 1 + p, 2, 0});
    }
  }
  for (int d = 0; d < shape.districts; ++d) {
    const NodeSpec& district = nodes[district_nodes[d]];
    auto communes = UnitRegistry::Get().Communes(district.unit, Era::k2023);
    for (int c = 0; c < Share(shape.communes, shape.districts, d); ++c) {
      const std::string code(communes[c]->code);
      nodes.push_back({"c" + code, schema::Role::COMMUNE, code, district_nodes[d], 3, 0});
    }
  }
  return nodes;
}

// What `dancu cert issue` (at the parent) and `dancu cert install` (at the child) do.
Status Certify(const std::string& parent, const std::string& child) {
  auto parent_config = node::ReadNodeConfig(node::Node::ConfigPath(parent));
  if (!parent_config.ok()) return parent_config.status();
  auto parent_secrets = node::ReadKeyFile(node::Node::KeyPath(parent), std::nullopt);
  if (!parent_secrets.ok()) return parent_secrets.status();
  auto parent_chain = node::ReadWholeFile(node::Node::ChainPath(parent));
  if (!parent_chain.ok()) return parent_chain.status();
  auto child_config = node::ReadNodeConfig(node::Node::ConfigPath(child));
  if (!child_config.ok()) return child_config.status();
  auto issued = node::IssueCertificate(*parent_config, *parent_secrets, *parent_chain,
                                       node::MakeCertificateRequest(*child_config), kIssuedMs, kValidDays);
  if (!issued.ok()) return issued.status();
  DANCU_RETURN_IF_ERROR(node::WriteFileAtomically(node::Node::ChainPath(child), *issued));
  child_config->root_key = parent_config->root_key;
  return node::WriteNodeConfig(node::Node::ConfigPath(child), *child_config);
}

}  // namespace

storage::StoreOptions SimStoreOptions(storage::HybridClock::WallClock clock, rocksdb::Env* env) {
  storage::StoreOptions options;
  options.env = env;
  options.wall_clock = std::move(clock);
  options.block_cache_bytes = 1u << 20;
  options.memtable_budget_bytes = 4u << 20;
  return options;
}

Result<std::unique_ptr<node::Node>> OpenSimNode(const std::string& world_dir, const NodeSpec& spec,
                                                storage::HybridClock::WallClock clock, rocksdb::Env* env) {
  auto opened = node::Node::Open(world_dir + "/" + spec.name, node::KeyAccess::kSign, std::nullopt,
                                 SimStoreOptions(std::move(clock), env));
  if (!opened.ok()) return opened.status().WithContext(spec.name);
  return opened;
}

Result<std::unique_ptr<WorldTemplate>> WorldTemplate::Build(const WorldShape& shape, const std::string& dir) {
  auto nodes = ChooseUnits(shape);
  if (!nodes.ok()) return nodes.status();
  std::unique_ptr<WorldTemplate> world(new WorldTemplate());
  world->shape_ = shape;
  world->dir_ = dir;
  world->nodes_ = std::move(nodes.value());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());

  // Keys depend only on the shape.
  DeterministicRandomBytes keys(0x64616e6375ull ^ (static_cast<uint64_t>(shape.provinces) << 40) ^
                                (static_cast<uint64_t>(shape.districts) << 20) ^
                                static_cast<uint64_t>(shape.communes));
  for (NodeSpec& spec : world->nodes_) {
    auto config = node::Node::Init({dir + "/" + spec.name, spec.role, spec.unit, std::nullopt, kIssuedMs});
    if (!config.ok()) return config.status().WithContext(spec.name);
    spec.node_id = config->node_id;
  }
  for (const NodeSpec& spec : world->nodes_) {  // parents come before their children
    if (spec.parent < 0) continue;
    DANCU_RETURN_IF_ERROR(Certify(dir + "/" + world->nodes_[spec.parent].name, dir + "/" + spec.name)
                              .WithContext(spec.name));
  }
  // Open each node once (its own chain enters its directory), and let each parent know the
  // children it certified, as `dancu cert issue` does.
  std::vector<std::unique_ptr<node::Node>> open;
  for (const NodeSpec& spec : world->nodes_) {
    auto opened = OpenSimNode(dir, spec, [] { return kEpochMs; }, nullptr);
    if (!opened.ok()) return opened.status();
    open.push_back(std::move(opened.value()));
  }
  for (size_t i = 0; i < world->nodes_.size(); ++i) {
    const NodeSpec& spec = world->nodes_[i];
    if (spec.parent < 0) continue;
    auto chain = open[i]->OwnChain();
    if (!chain.ok()) return chain.status().WithContext(spec.name);
    auto added = open[spec.parent]->directory().AddChain(*chain, kEpochMs);
    if (!added.ok()) return added.status().WithContext(spec.name);
  }
  return world;
}

Status WorldTemplate::CopyTo(const std::string& dir) const {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec) fs::copy(dir_, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::IOError("cannot copy the world to " + dir + ": " + ec.message());
  return Status::Ok();
}

}  // namespace dancu::sim
