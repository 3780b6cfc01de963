#include "tools/sim/simulation.h"

#include <algorithm>
#include <filesystem>

#include "tools/sim/simulation_impl.h"

namespace dancu::sim {
namespace internal {

namespace {

std::string BackupDir(const std::string& dir, const std::string& name) { return dir + "/" + name + ".backup"; }

}  // namespace

void Simulation::Trace(const std::string& line) {
  const std::string full = std::to_string(now_ - kEpochMs) + " " + line;
  trace_.Add(full);
  trace_.Add("\n");
  ++result_.events;
  if (config_.trace) config_.trace(full);
}

Status Simulation::OpenNode(int n) {
  auto opened = OpenSimNode(dir_, nodes_[n].spec, ClockOf(n), nodes_[n].env.get());
  if (!opened.ok()) return opened.status();
  nodes_[n].node = std::move(opened.value());
  return Status::Ok();
}

std::vector<int> Simulation::Communes() const {
  std::vector<int> out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].spec.role == schema::Role::COMMUNE) out.push_back(static_cast<int>(i));
  }
  return out;
}

void Simulation::Close(int n, const std::string& why) {
  for (size_t l = 0; l < net_.links().size(); ++l) {
    const auto& link = net_.links()[l];
    if (link.low == n || link.high == n) Cut(static_cast<int>(l), why + " of " + Name(n));
  }
  nodes_[n].node.reset();
}

// The power goes: the node's store is dropped without a clean close (every write it still tries
// fails), and its disk keeps only what was synced, the last writes torn at random.
void Simulation::Crash(int n) {
  SimNode& node = nodes_[n];
  if (!node.node) return;
  node.held_at_crash = node.node->store().version_vector();
  node.digest_at_crash = node.node->store().state_digest().Digest();
  node.disk->PowerOff();
  Close(n, "crash");
  auto cut = node.disk->PowerOn(rng_.Next());
  if (!cut.ok()) return Fail("harness: power cut of " + Name(n) + ": " + cut.status().ToString());
  result_.cut_bytes += cut->bytes_dropped;
  result_.cut_files += cut->files_cut + cut->files_removed;
  ++result_.crashes;
  const uint64_t down = rng_.Between(kMinuteMs, 18 * kHourMs);
  Trace("crash " + Name(n) + " for " + std::to_string(down / kMinuteMs) + " min");
  Schedule(now_ + down, {Kind::kRestart, n, 0, 0, {}});
}

Status Simulation::Restart(int n) {
  DANCU_RETURN_IF_ERROR(OpenNode(n));
  CheckDurable(n);
  return Status::Ok();
}

// An officer copies the node's data directory (the node closed for it, as a careful one would).
void Simulation::Backup(int n) {
  const bool open = nodes_[n].node != nullptr;
  if (open) Close(n, "backup");
  std::error_code ec;
  std::filesystem::remove_all(BackupDir(dir_, Name(n)), ec);
  std::filesystem::copy(dir_ + "/" + Name(n), BackupDir(dir_, Name(n)), std::filesystem::copy_options::recursive, ec);
  if (ec) return Fail("harness: backup of " + Name(n) + ": " + ec.message());
  Trace("backup of " + Name(n));
  if (open) {
    Status opened = OpenNode(n);
    if (!opened.ok()) Fail("reopening " + Name(n) + " after its backup failed: " + opened.ToString());
  }
}

// The laptop's disk is lost: the node comes back from the copy, and its officers go on working.
// What it had not passed on since the copy is gone with the disk; what it had, it must get back.
void Simulation::Restore(int n) {
  if (!std::filesystem::exists(BackupDir(dir_, Name(n)))) return;
  const bool open = nodes_[n].node != nullptr;
  if (open) Close(n, "restore");
  std::error_code ec;
  std::filesystem::remove_all(dir_ + "/" + Name(n), ec);
  nodes_[n].disk->Forget();  // the copy's files are as durable as they are
  nodes_[n].held_at_crash.reset();
  std::filesystem::copy(BackupDir(dir_, Name(n)), dir_ + "/" + Name(n), std::filesystem::copy_options::recursive, ec);
  if (ec) return Fail("harness: restore of " + Name(n) + ": " + ec.message());
  Status opened = OpenNode(n);
  if (!opened.ok()) return Fail("reopening " + Name(n) + " from its copy failed: " + opened.ToString());
  // What survived: the most of its log any open node holds.
  const uint64_t origin = nodes_[n].spec.node_id;
  uint64_t survived = 0;
  for (const SimNode& other : nodes_) {
    if (!other.node) continue;
    const auto held = other.node->store().version_vector();
    if (held.count(origin)) survived = std::max(survived, held.at(origin));
  }
  nodes_[n].acked = std::min(nodes_[n].acked, survived);
  ++result_.restores;
  Trace("restore of " + Name(n) + " from its copy; its log survives up to seq " + std::to_string(survived));
}

void Simulation::Handle(Event& e) {
  switch (e.kind) {
    case Kind::kOfficer: Officer(e.target); break;
    case Kind::kSyncAttempt: SyncAttempt(e.target); break;
    case Kind::kDeliver: Deliver(e); break;
    case Kind::kStallCheck: {
      auto it = connections_.find(e.target);
      if (it == connections_.end() || it->second.id != e.connection) break;
      if (now_ - it->second.last_activity >= kSessionStallMs) {
        Cut(e.target, "stalled");
      } else {
        Schedule(it->second.last_activity + kSessionStallMs, {Kind::kStallCheck, e.target, 0, e.connection, {}});
      }
      break;
    }
    case Kind::kPartitionStart: {
      auto& link = net_.link(e.target);
      ++link.partitions;
      link.up = false;
      ++result_.partitions;
      const uint64_t length = rng_.Between(kHourMs, 3 * kDayMs);
      Trace("link " + std::to_string(e.target) + ": partitioned for " + std::to_string(length / kHourMs) + " h");
      Cut(e.target, "partition");
      Schedule(now_ + length, {Kind::kPartitionEnd, e.target, 0, 0, {}});
      break;
    }
    case Kind::kPartitionEnd: {
      auto& link = net_.link(e.target);
      if (--link.partitions == 0) link.up = true;
      Trace("link " + std::to_string(e.target) + (link.up ? ": up" : ": still partitioned"));
      break;
    }
    case Kind::kCrash: Crash(e.target); break;
    case Kind::kRestart: {
      if (nodes_[e.target].node) break;
      Status opened = Restart(e.target);
      if (!opened.ok()) Fail("restart of " + Name(e.target) + " failed: " + opened.ToString());
      Trace("restart " + Name(e.target));
      break;
    }
    case Kind::kSkew: {
      SimNode& n = nodes_[e.target];
      n.skew_ms = rng_.Chance(0.3) ? 0 : rng_.BetweenSigned(-kMaxSkewMs, kMaxSkewMs);
      Trace("clock of " + Name(e.target) + " skewed by " + std::to_string(n.skew_ms / static_cast<int64_t>(kMinuteMs)) + " min");
      break;
    }
    case Kind::kForge: Forge(e.target); break;
    case Kind::kBundleWrite: BundleWrite(e.target); break;
    case Kind::kBundleCarry: BundleCarry(e); break;
    case Kind::kBackup: Backup(e.target); break;
    case Kind::kRestore: Restore(e.target); break;
  }
}

Result<SimResult> Simulation::Run() {
  DANCU_RETURN_IF_ERROR(world_.CopyTo(dir_));
  nodes_.resize(world_.nodes().size());
  for (size_t i = 0; i < nodes_.size(); ++i) nodes_[i].spec = world_.nodes()[i];
  for (size_t i = 0; i < nodes_.size(); ++i) {
    DANCU_RETURN_IF_ERROR(OpenNode(static_cast<int>(i)));
    if (rng_.Chance(0.4)) nodes_[i].skew_ms = rng_.BetweenSigned(-kMaxSkewMs, kMaxSkewMs);
  }
  // Links: every child to its parent; a few pairs of sibling communes.
  for (size_t i = 1; i < nodes_.size(); ++i) net_.AddLink(static_cast<int>(i), nodes_[i].spec.parent, false);
  const std::vector<int> communes = Communes();
  for (size_t a = 0; a + 1 < communes.size(); ++a) {
    const int b = communes[a + 1];
    if (nodes_[communes[a]].spec.parent == nodes_[b].spec.parent && rng_.Chance(0.3)) net_.AddLink(communes[a], b, true);
  }
  Trace("world of " + std::to_string(nodes_.size()) + " nodes, " + std::to_string(net_.links().size()) + " links");

  // The plan: everything below is drawn now, from the seed alone.
  const uint64_t span = static_cast<uint64_t>(config_.days) * kDayMs;
  const int per_day = config_.officer_events_per_day > 0 ? config_.officer_events_per_day
                                                         : 5 * static_cast<int>(communes.size()) + 10;
  std::vector<int> above;  // every node but the communes
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].spec.role != schema::Role::COMMUNE) above.push_back(static_cast<int>(i));
  }
  for (int k = 0; k < per_day * config_.days; ++k) {
    const int actor = rng_.Chance(0.75) ? communes[rng_.Below(communes.size())] : above[rng_.Below(above.size())];
    Schedule(kEpochMs + rng_.Below(span), {Kind::kOfficer, actor, 0, 0, {}});
  }
  for (size_t l = 0; l < net_.links().size(); ++l) {
    Schedule(kEpochMs + rng_.Below(2 * kHourMs), {Kind::kSyncAttempt, static_cast<int>(l), 0, 0, {}});
    for (int d = 0; d < config_.days; ++d) {
      if (rng_.Chance(config_.partition_per_link_day)) {
        Schedule(kEpochMs + d * kDayMs + rng_.Below(kDayMs), {Kind::kPartitionStart, static_cast<int>(l), 0, 0, {}});
      }
    }
  }
  for (size_t n = 0; n < nodes_.size(); ++n) {
    for (int d = 0; d < config_.days; ++d) {
      if (rng_.Chance(config_.crash_per_node_day)) {
        Schedule(kEpochMs + d * kDayMs + rng_.Below(kDayMs), {Kind::kCrash, static_cast<int>(n), 0, 0, {}});
      }
      if (rng_.Chance(config_.skew_per_node_day)) {
        Schedule(kEpochMs + d * kDayMs + rng_.Below(kDayMs), {Kind::kSkew, static_cast<int>(n), 0, 0, {}});
      }
    }
  }
  std::set<int> carry_sticks;  // nodes at either end of a link that carries bundles
  for (size_t l = 0; l < net_.links().size(); ++l) {  // some links also carry USB sticks, some only them
    if (!net_.links()[l].sibling && rng_.Chance(config_.bundle_route_per_link)) {
      carry_sticks.insert({net_.links()[l].low, net_.links()[l].high});
      Schedule(kEpochMs + rng_.Below(kDayMs), {Kind::kBundleWrite, static_cast<int>(l), 0, 0, {}});
      if (rng_.Chance(0.5)) {
        usb_only_.insert(static_cast<int>(l));
        Trace("link " + std::to_string(l) + ": bundles only, until healing");
      }
    }
  }
  int forger = -1;
  if (rng_.Chance(config_.forge_per_seed)) {
    forger = communes[rng_.Below(communes.size())];
    Schedule(kEpochMs + rng_.Below(span), {Kind::kForge, forger, 0, 0, {}});
  }
  if (rng_.Chance(config_.restore_per_seed)) {
    const int restored = communes[rng_.Below(communes.size())];
    // Not a forger (its own log is blocked at its parent by design), nor a commune that carries
    // USB sticks: a bundle it writes between its restore and learning of it holds a second log,
    // which its parent rightly takes for an equivocation (docs/log-format.md "Lost writes").
    if (restored != forger && !carry_sticks.count(restored)) {
      const uint64_t backup_at = kEpochMs + rng_.Below(span / 2);
      Schedule(backup_at, {Kind::kBackup, restored, 0, 0, {}});
      Schedule(backup_at + rng_.Between(kHourMs, span / 2), {Kind::kRestore, restored, 0, 0, {}});
    }
  }

  while (!queue_.empty() && result_.ok) {
    auto it = queue_.begin();
    if (it->first.first >= kEpochMs + span) break;
    now_ = it->first.first;
    Event event = std::move(it->second);
    queue_.erase(it);
    Handle(event);
  }
  now_ = kEpochMs + span;
  if (result_.ok) Heal();
  if (result_.ok) Check();
  result_.trace_hash = trace_.value();
  return result_;
}

}  // namespace internal

Result<SimResult> RunSeed(const WorldTemplate& world, const SimConfig& config, const std::string& work_dir, bool keep) {
  Result<SimResult> result = SimResult{};
  {
    // Nothing random in a node but keys and nonces; none should be drawn, but if one is, it too
    // depends on the seed.
    DeterministicRandomBytes random(config.seed ^ 0x73696dull);
    internal::Simulation sim(world, config, work_dir);
    result = sim.Run();
  }
  if (!keep) {
    std::error_code ec;
    std::filesystem::remove_all(work_dir, ec);
  }
  return result;
}

std::string Summary(uint64_t seed, const SimResult& r) {
  std::string line = "seed " + std::to_string(seed) + (r.ok ? " ok" : " FAILED " + r.failure);
  line += "  trace " + internal::Hex(r.trace_hash) + "  events " + std::to_string(r.events) + " frames " +
          std::to_string(r.frames) + " changes " + std::to_string(r.appends) + " rejected " +
          std::to_string(r.rejected) + " sessions " + std::to_string(r.sessions_synced) + "+" +
          std::to_string(r.sessions_cut) + "cut errors " + std::to_string(r.session_errors) + " crashes " +
          std::to_string(r.crashes) + " (cut " + std::to_string(r.cut_bytes) + " B of " +
          std::to_string(r.cut_files) + " files) partitions " + std::to_string(r.partitions) + " forged " +
          std::to_string(r.forged) + " restores " + std::to_string(r.restores) + " bundles " + std::to_string(r.bundles) + " quarantined " +
          std::to_string(r.quarantined) + " conflicts " +
          std::to_string(r.conflicts) + " heal-rounds " + std::to_string(r.heal_rounds);
  if (!r.central_digest.empty()) line += "  central " + r.central_digest.substr(0, 16);
  return line;
}

}  // namespace dancu::sim
