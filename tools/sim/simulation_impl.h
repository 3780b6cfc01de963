// The simulation of one seed, shared by the files that carry out its parts (tools/sim only):
//   simulation.cc  the plan, the event loop, crashes (power cuts), backups and restores;
//   workload.cc    the officers: new residents, corrections, moves, deaths, concurrent edits, forgery;
//   transport.cc   sessions over the simulated network, bundles on USB sticks, healing;
//   checks.cc      the checks after healing, and durability after each power cut.
// What the simulation does and checks: tools/sim/simulation.h. Not thread-safe (one thread).
#pragma once

#include <rocksdb/env.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "node/authority.h"
#include "node/node.h"
#include "node/session_host.h"
#include "replication/session.h"
#include "storage/fault_fs.h"
#include "tools/sim/network.h"
#include "tools/sim/rng.h"
#include "tools/sim/simulation.h"
#include "tools/sim/world.h"

namespace dancu::sim::internal {

namespace fs = std::filesystem;
using nlohmann::json;
using schema::Operation;

constexpr uint64_t kSessionStallMs = 5 * kMinuteMs;  // a session with no frame for this long is cut
constexpr int64_t kMaxSkewMs = 5 * static_cast<int64_t>(kDayMs);
inline std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}
enum class Kind {
  kOfficer, kSyncAttempt, kDeliver, kStallCheck, kPartitionStart, kPartitionEnd, kCrash, kRestart, kSkew, kForge,
  kBundleWrite, kBundleCarry, kBackup, kRestore,
};

struct Event {
  Kind kind = Kind::kOfficer;
  int target = -1;  // a node or a link
  int to = 0;       // kDeliver, kBundleCarry: 0 the link's low side, 1 its high side
  uint64_t connection = 0;  // kDeliver: the session; kBundleCarry: 1 for a truncated copy
  std::string bytes;
};

struct SimNode {
  NodeSpec spec;
  // Its disk: syncs mark what a power cut keeps (storage/fault_fs.h); its store's environment.
  // Declared before the node, which must be destroyed first.
  std::shared_ptr<storage::FaultFs> disk = std::make_shared<storage::FaultFs>(storage::FaultFs::Options{});
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(disk);
  std::unique_ptr<node::Node> node;  // null while crashed
  int64_t skew_ms = 0;
  // How far its own log must reach at central: one seq per change an Append acknowledged. After a
  // restore from an older copy, what survived elsewhere, plus one per change acknowledged since
  // (work done offline on the copy is authored again after the entries that came back).
  uint64_t acked = 0;
  uint64_t forged_seq = 0;  // its first forged change, 0 if none
  // While crashed: what it held when the power went, all of which it had acknowledged as durable.
  std::optional<storage::VersionVector> held_at_crash;
  storage::Hash256 digest_at_crash{};
};

struct RecordInfo {
  std::string id;
  std::string home;  // as the simulator last saw it accepted (a hint for choosing actors)
};

struct Connection {
  uint64_t id = 0;
  std::unique_ptr<node::NodeSessionHost> hosts[2];       // declared before the sessions that use them
  std::unique_ptr<replication::Session> sessions[2];
  uint64_t last_activity = 0;
};

class Simulation {
 public:
  Simulation(const WorldTemplate& world, const SimConfig& config, std::string dir)
      : world_(world), config_(config), dir_(std::move(dir)), rng_(config.seed) {}

  Result<SimResult> Run();

 private:
  // --- harness ---
  void Trace(const std::string& line);
  void Fail(const std::string& why) {
    if (result_.ok) {
      result_.ok = false;
      result_.failure = why;
      Trace("FAIL " + why);
    }
  }
  void Schedule(uint64_t at, Event event) { queue_.emplace(std::pair{at, order_++}, std::move(event)); }
  storage::HybridClock::WallClock ClockOf(int n) {
    return [this, n] { return static_cast<uint64_t>(static_cast<int64_t>(now_) + nodes_[n].skew_ms); };
  }
  Status OpenNode(int n);
  // The operator's log of node n's sessions, into the trace.
  std::function<void(std::string_view)> HostLog(int n) {
    return [this, n](std::string_view line) { Trace("log " + Name(n) + ": " + std::string(line)); };
  }
  const std::string& Name(int n) const { return nodes_[n].spec.name; }
  std::vector<int> Communes() const;
  bool CoversUnit(int n, std::string_view unit) const {
    return node::Covers(nodes_[n].spec.role, nodes_[n].spec.unit, unit);
  }

  // --- events ---
  void Handle(Event& event);
  void Officer(int n);
  void ConcurrentEdits();
  void SyncAttempt(int l);
  void Deliver(Event& event);
  void Send(int l, int from, std::string frame, bool faults);
  void Cut(int l, const std::string& why);
  void Crash(int n);
  Status Restart(int n);  // reopens a crashed node and checks that its power cut lost nothing (check 5)
  void Close(int n, const std::string& why);  // cuts its links and closes its store
  bool Recovering(int n) const { return nodes_[n].node && nodes_[n].node->store().RecoveryTarget().has_value(); }
  void Backup(int n);
  void Restore(int n);
  void Forge(int n);
  void BundleWrite(int l);
  void BundleCarry(const Event& event);

  // --- officers ---
  std::optional<storage::AppendOutcome::Accepted> AppendAs(int n, Operation op, const std::string& id,
                                                           const json& values, bool bypass_authority = false);
  json NewResident(const std::string& unit);
  int PickRecord(int n);  // an index in records_ covered by n, or -1

  // --- healing and checks ---
  void Heal();
  bool SyncNow(int l);
  void Check();
  void CheckDurable(int n);  // check 5, after a restart
  std::map<int, storage::VersionVector> Vectors() const;
  // Why node n cannot take origin's next change from central: a version it depends on that n lacks.
  std::optional<std::string> BlockedAt(int n, uint64_t origin, const storage::VersionVector& held, int source = 0);

  const WorldTemplate& world_;
  const SimConfig& config_;
  std::string dir_;
  Rng rng_;
  SimResult result_;
  std::vector<SimNode> nodes_;
  SimNetwork net_;
  std::map<int, Connection> connections_;  // by link
  std::set<int> usb_only_;                 // links that carry only bundles until healing
  uint64_t next_connection_ = 1;
  std::map<std::pair<uint64_t, uint64_t>, Event> queue_;
  uint64_t order_ = 0;
  uint64_t now_ = kEpochMs;
  bool faults_ = true;
  TraceHash trace_;
  std::vector<RecordInfo> records_;
  uint32_t serial_ = 0;
  std::vector<std::pair<int, uint64_t>> forged_;  // (node, seq)
};

}  // namespace dancu::sim::internal
