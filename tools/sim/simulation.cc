#include "tools/sim/simulation.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <rocksdb/env.h>
#include <optional>
#include <set>

#include "node/authority.h"
#include "node/bundles.h"
#include "node/resident_drafts.h"
#include "node/session_host.h"
#include "replication/session.h"
#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/fault_fs.h"
#include "storage/ingest.capnp.h"
#include "storage/log_verify.h"
#include "storage/record_fold.h"

namespace dancu::sim {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using schema::Operation;

constexpr uint64_t kSessionStallMs = 5 * kMinuteMs;  // a session with no frame for this long is cut
constexpr int64_t kMaxSkewMs = 5 * static_cast<int64_t>(kDayMs);

const char* const kNames[] = {"Vàng Seo Páo", "Giàng Thị Mai", "Lò Văn Minh", "Nguyễn Thị Hoa", "Sùng Mí Lử",
                              "Hoàng Văn Tùng", "Ly Thị Dế", "Mua Seo Chứ", "Đặng Văn Quý", "Thào Thị Sua"};
const char* const kReligions[] = {"Không", "Phật giáo", "Công giáo", "Tin lành"};

std::string Hex(uint64_t v) {
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
  std::unique_ptr<node::Node> node;  // null while crashed
  int64_t skew_ms = 0;
  // How far its own log must reach at central: one seq per change an Append acknowledged. After a
  // restore from an older copy, what survived elsewhere, plus one per change acknowledged since
  // (work done offline on the copy is authored again after the entries that came back).
  uint64_t acked = 0;
  uint64_t forged_seq = 0;  // its first forged change, 0 if none
  // Its disk: syncs mark what a power cut keeps (storage/fault_fs.h); its store's environment.
  std::shared_ptr<storage::FaultFs> disk = std::make_shared<storage::FaultFs>(storage::FaultFs::Options{});
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(disk);
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

std::string BackupDir(const std::string& dir, const std::string& name) { return dir + "/" + name + ".backup"; }

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

// ---------------------------------------------------------------------------------------------
// Officers

json Simulation::NewResident(const std::string& unit) {
  const uint32_t serial = ++serial_;
  char citizen[16];
  // Now and then a citizen number already used: a duplicate case for the review queue.
  const uint32_t number = (serial > 5 && rng_.Chance(0.03)) ? static_cast<uint32_t>(rng_.Between(1, serial - 1)) : serial;
  std::snprintf(citizen, sizeof citizen, "001085%06u", number % 1000000);
  return {{"citizen_no", citizen},
          {"full_name", kNames[rng_.Below(std::size(kNames))]},
          {"birth_date", "1985-03-07"},
          {"sex", "male"},
          {"ethnicity", 1 + rng_.Below(54)},
          {"nationality", "VN"},
          {"hometown", {{"unit", "00001"}}},
          {"permanent_residence", {{"unit", unit}, {"address", "Thôn " + std::to_string(serial % 9 + 1)}}},
          {"household", {{"id", "HK" + std::to_string(serial)}, {"relationship", "head"}}}};
}

std::optional<storage::AppendOutcome::Accepted> Simulation::AppendAs(int n, Operation op, const std::string& id,
                                                                     const json& values, bool bypass_authority) {
  node::Node& nd = *nodes_[n].node;
  auto made = node::MakeDraft(op, id, values, "officer." + Name(n));
  const std::string what = Name(n) + " " + node::OperationName(op) + " " + (id.empty() ? "new" : id);
  if (!made.errors.empty()) {
    Fail("harness: a draft the simulator made is malformed: " + what + ": " + made.errors[0].field + " " +
         made.errors[0].reason);
    return std::nullopt;
  }
  std::vector<storage::Draft> drafts;
  drafts.push_back(std::move(made.draft));
  Result<storage::AppendOutcome> outcome = storage::AppendOutcome{};
  if (bypass_authority) {
    auto key = nd.signing_key();
    if (!key.ok()) {
      Fail("harness: " + key.status().ToString());
      return std::nullopt;
    }
    outcome = nd.store().Append(drafts, **key);  // no RecordCheck: a tampered node
  } else {
    outcome = nd.Append(drafts);
  }
  if (!outcome.ok() && nd.store().RecoveryTarget()) {  // recovering its own log: the officer waits
    ++result_.rejected;
    Trace("refused " + what + ": the node recovers its own log");
    return std::nullopt;
  }
  if (!outcome.ok()) {
    Fail("append failed at " + what + ": " + outcome.status().ToString());
    return std::nullopt;
  }
  if (outcome->accepted.empty()) {
    ++result_.rejected;
    const auto& e = outcome->rejected.at(0).errors.at(0);
    Trace("rejected " + what + ": " + e.field);
    return std::nullopt;
  }
  auto accepted = outcome->accepted[0];
  Trace("append " + what + " -> " + accepted.record_id + " seq " + std::to_string(accepted.seq));
  if (!bypass_authority) {
    ++result_.appends;
    ++nodes_[n].acked;
  }
  return accepted;
}

int Simulation::PickRecord(int n) {
  std::vector<int> covered;
  for (size_t i = 0; i < records_.size(); ++i) {
    if (CoversUnit(n, records_[i].home)) covered.push_back(static_cast<int>(i));
  }
  if (covered.empty()) return -1;
  // Half the time one of the newest: edits concentrate on the same residents.
  if (rng_.Chance(0.5)) {
    const size_t hot = std::min<size_t>(covered.size(), 6);
    return covered[covered.size() - 1 - rng_.Below(hot)];
  }
  return covered[rng_.Below(covered.size())];
}

void Simulation::Officer(int n) {
  if (!nodes_[n].node) {
    Trace("officer " + Name(n) + ": node down");
    return;
  }
  const uint64_t roll = rng_.Below(100);
  const int record = roll < 25 ? -1 : PickRecord(n);
  if (record < 0) {
    // A new resident, in a commune this node covers.
    std::vector<int> communes;
    for (int c : Communes()) {
      if (CoversUnit(n, nodes_[c].spec.unit)) communes.push_back(c);
    }
    const std::string unit = nodes_[communes[rng_.Below(communes.size())]].spec.unit;
    if (auto accepted = AppendAs(n, Operation::CREATE, "", NewResident(unit))) {
      records_.push_back({accepted->record_id, unit});
    }
    return;
  }
  RecordInfo& r = records_[static_cast<size_t>(record)];
  if (roll < 60) {
    json values;
    switch (rng_.Below(3)) {
      case 0: values = {{"full_name", kNames[rng_.Below(std::size(kNames))]}}; break;
      case 1: values = {{"religion", kReligions[rng_.Below(std::size(kReligions))]}}; break;
      default: values = {{"marital_status", rng_.Chance(0.5) ? "married" : "single"}}; break;
    }
    AppendAs(n, Operation::UPDATE, r.id, values);
  } else if (roll < 75) {
    // A move: often to a commune of another district (through the common ancestor).
    std::vector<int> communes = Communes();
    const std::string to = nodes_[communes[rng_.Below(communes.size())]].spec.unit;
    if (to == r.home) return (void)Trace("officer " + Name(n) + ": no move");
    json place = {{"unit", to}, {"address", "Bản " + std::to_string(rng_.Below(20) + 1)}};
    if (AppendAs(n, Operation::MOVE, r.id, {{"permanent_residence", place}, {"current_residence", place}})) {
      r.home = to;
    }
  } else if (roll < 83) {
    AppendAs(n, Operation::RECORD_DEATH, r.id, {{"status", "deceased"}, {"death_date", "2024-12-0" + std::to_string(1 + rng_.Below(9))}});
  } else if (roll < 92) {
    AppendAs(n, Operation::HOUSEHOLD, r.id,
             {{"household", {{"id", "HK" + std::to_string(rng_.Between(1, serial_ + 1))}, {"relationship", "child"}}}});
  } else {
    ConcurrentEdits();
  }
}

// One resident edited at once by its commune and by a node above it, neither seeing the other.
void Simulation::ConcurrentEdits() {
  if (records_.empty()) return;
  RecordInfo r = records_[records_.size() - 1 - rng_.Below(std::min<size_t>(records_.size(), 10))];
  int commune = -1;
  for (int c : Communes()) {
    if (nodes_[c].spec.unit == r.home) commune = c;
  }
  if (commune < 0) return;
  std::vector<int> above;
  for (int a = nodes_[commune].spec.parent; a >= 0; a = nodes_[a].spec.parent) above.push_back(a);
  const int upper = above[rng_.Below(above.size())];
  Trace("concurrent edits of " + r.id + " by " + Name(commune) + " and " + Name(upper));
  for (int n : {commune, upper}) {
    if (!nodes_[n].node) continue;
    switch (rng_.Below(4)) {
      case 0:
      case 1: AppendAs(n, Operation::UPDATE, r.id, {{"full_name", kNames[rng_.Below(std::size(kNames))]}}); break;
      case 2: AppendAs(n, Operation::RECORD_DEATH, r.id, {{"status", "deceased"}, {"death_date", "2024-11-30"}}); break;
      default:
        AppendAs(n, Operation::HOUSEHOLD, r.id, {{"household", {{"id", "HK-" + Name(n)}, {"relationship", "head"}}}});
        break;
    }
  }
}

// A tampered commune signs a change outside its authority, bypassing its node's check.
void Simulation::Forge(int n) {
  if (!nodes_[n].node || nodes_[n].forged_seq != 0) return (void)Trace("forge " + Name(n) + ": skipped");
  std::optional<storage::AppendOutcome::Accepted> forged;
  // Half the time: a correction to a record this commune holds but that has moved away, as its
  // own store shows it (so the change's author saw it homed elsewhere).
  if (rng_.Chance(0.5)) {
    for (const RecordInfo& r : records_) {
      auto bytes = nodes_[n].node->store().GetRecord(r.id);
      if (!bytes.ok() || !bytes->has_value()) continue;
      auto state = storage::Parsed<schema::RecordState>::Parse(**bytes, "record");
      if (!state.ok()) continue;
      if (CoversUnit(n, state->get().getResident().getHomeUnit().cStr())) continue;
      forged = AppendAs(n, Operation::UPDATE, r.id, {{"full_name", "Giả Mạo"}}, true);
      break;
    }
  }
  if (!forged) {
    std::vector<int> others;
    for (int c : Communes()) {
      if (c != n) others.push_back(c);
    }
    forged = AppendAs(n, Operation::CREATE, "", NewResident(nodes_[others[rng_.Below(others.size())]].spec.unit), true);
  }
  if (!forged) return;
  nodes_[n].forged_seq = forged->seq;
  forged_.emplace_back(n, forged->seq);
  ++result_.forged;
  Trace("forged " + Name(n) + " seq " + std::to_string(forged->seq));
}

// ---------------------------------------------------------------------------------------------
// Network

void Simulation::Send(int l, int from, std::string frame, bool faults) {
  const int to = 1 - from;
  auto& conn = connections_.at(l);
  auto times = net_.Deliveries(l, to, now_, faults, config_.faults, rng_);
  if (times.empty()) Trace("link " + std::to_string(l) + ": a frame is lost");
  for (size_t i = 0; i < times.size(); ++i) {
    Event e;
    e.kind = Kind::kDeliver;
    e.target = l;
    e.to = to;
    e.connection = conn.id;
    e.bytes = i + 1 == times.size() ? std::move(frame) : frame;
    Schedule(times[i], std::move(e));
  }
}

void Simulation::Cut(int l, const std::string& why) {
  auto it = connections_.find(l);
  if (it == connections_.end()) return;
  connections_.erase(it);
  ++result_.sessions_cut;
  Trace("link " + std::to_string(l) + ": session cut (" + why + ")");
}

void Simulation::SyncAttempt(int l) {
  const auto& link = net_.link(l);
  // The next attempt: children keep trying every few hours, siblings meet now and then.
  const uint64_t next = link.sibling ? rng_.Between(12 * kHourMs, 3 * kDayMs) : rng_.Between(30 * kMinuteMs, 6 * kHourMs);
  Schedule(now_ + next, {Kind::kSyncAttempt, l, 0, 0, {}});
  if (usb_only_.count(l)) return;
  if (!link.up || !nodes_[link.low].node || !nodes_[link.high].node || connections_.count(l)) return;
  Connection& conn = connections_[l];
  conn.id = next_connection_++;
  conn.last_activity = now_;
  replication::SessionOptions options;
  options.source = "sim link " + std::to_string(l);
  const int ends[2] = {link.low, link.high};
  for (int side = 0; side < 2; ++side) {
    conn.hosts[side] = std::make_unique<node::NodeSessionHost>(*nodes_[ends[side]].node, HostLog(ends[side]),
                                                                ClockOf(ends[side]));
    conn.sessions[side] = std::make_unique<replication::Session>(*conn.hosts[side], options);
  }
  Trace("link " + std::to_string(l) + ": session " + std::to_string(conn.id) + " " + Name(link.low) + " <-> " +
        Name(link.high));
  for (int side = 0; side < 2; ++side) {
    for (auto& f : conn.sessions[side]->Start()) Send(l, side, std::move(f), true);
  }
  Schedule(now_ + kSessionStallMs, {Kind::kStallCheck, l, 0, conn.id, {}});
  if (rng_.Chance(config_.crash_during_session)) {
    Schedule(now_ + rng_.Between(0, 3000), {Kind::kCrash, ends[rng_.Below(2)], 0, 0, {}});
  }
}

void Simulation::Deliver(Event& e) {
  auto it = connections_.find(e.target);
  if (it == connections_.end() || it->second.id != e.connection) return;  // for a session gone
  Connection& conn = it->second;
  conn.last_activity = now_;
  ++result_.frames;
  auto answers = conn.sessions[e.to]->OnFrame(e.bytes);
  if (!answers.ok()) {
    ++result_.session_errors;
    Trace("link " + std::to_string(e.target) + ": session error at " +
          Name(e.to == 0 ? net_.link(e.target).low : net_.link(e.target).high) + ": " +
          answers.status().message());
    // A node that learnt it was restored from an older copy ends the session to recover its log.
    if (!faults_ && !Recovering(net_.link(e.target).low) && !Recovering(net_.link(e.target).high)) {
      Fail("check 2: a session failed without faults: " + answers.status().ToString());
    }
    Cut(e.target, "error");
    return;
  }
  for (auto& f : *answers) Send(e.target, e.to, std::move(f), faults_);
  if (conn.sessions[0]->synced() && conn.sessions[1]->synced()) {
    const auto& s0 = conn.sessions[0]->stats();
    const auto& s1 = conn.sessions[1]->stats();
    Trace("link " + std::to_string(e.target) + ": session " + std::to_string(conn.id) + " synced, applied " +
          std::to_string(s0.changes_applied) + "/" + std::to_string(s1.changes_applied) + ", refused " +
          std::to_string(s0.segments_refused + s1.segments_refused));
    ++result_.sessions_synced;
    connections_.erase(it);
  }
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
  SimNode& node = nodes_[n];
  if (!node.held_at_crash) return Status::Ok();
  const auto after = node.node->store().version_vector();
  for (const auto& [origin, seq] : *node.held_at_crash) {
    auto it = after.find(origin);
    const uint64_t kept = it == after.end() ? 0 : it->second;
    if (kept < seq) {
      Fail("check 5: " + Name(n) + " held origin " + Hex(origin) + " up to seq " + std::to_string(seq) +
           " before a power cut, only up to " + std::to_string(kept) + " after it");
      break;
    }
  }
  if (result_.ok && node.node->store().state_digest().Digest() != node.digest_at_crash) {
    Fail("check 5: " + Name(n) + "'s state hash after a power cut differs from the one it had");
  }
  node.held_at_crash.reset();
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

// An officer writes a bundle for the other end of link l (mostly up the tree) and carries it on a
// USB stick: lost now and then, sometimes imported twice, sometimes first from a copy cut short.
void Simulation::BundleWrite(int l) {
  Schedule(now_ + rng_.Between(6 * kHourMs, 2 * kDayMs), {Kind::kBundleWrite, l, 0, 0, {}});
  const auto& link = net_.link(l);
  const int from_side = rng_.Chance(0.8) ? 0 : 1;
  const int from = from_side == 0 ? link.low : link.high, to = from_side == 0 ? link.high : link.low;
  if (!nodes_[from].node) return;
  auto exported = node::ExportBundle(*nodes_[from].node, nodes_[to].spec.node_id, ClockOf(from)(), HostLog(from));
  if (!exported.ok()) {
    Fail("check 2: " + Name(from) + " could not write a bundle for " + Name(to) + ": " + exported.status().ToString());
    return;
  }
  Trace("bundle " + Name(from) + " -> " + Name(to) + ": " + std::to_string(exported->built.segments) + " segments, " +
        std::to_string(exported->built.bytes.size()) + " bytes");
  if (rng_.Chance(0.1)) {
    Trace("bundle " + Name(from) + " -> " + Name(to) + ": the stick is lost");
    return;
  }
  const uint64_t arrive = now_ + rng_.Between(kHourMs, 2 * kDayMs);
  std::string& bytes = exported->built.bytes;
  if (rng_.Chance(0.1)) {
    Schedule(arrive, {Kind::kBundleCarry, l, 1 - from_side, 1, bytes.substr(0, rng_.Below(bytes.size()))});
  }
  if (rng_.Chance(0.1)) Schedule(arrive + rng_.Between(kHourMs, kDayMs), {Kind::kBundleCarry, l, 1 - from_side, 0, bytes});
  Schedule(arrive + 1, {Kind::kBundleCarry, l, 1 - from_side, 0, std::move(bytes)});
}

void Simulation::BundleCarry(const Event& e) {
  const auto& link = net_.link(e.target);
  const int to = e.to == 0 ? link.low : link.high;
  if (!nodes_[to].node) {  // the node is down: the officer comes back in an hour
    Schedule(now_ + kHourMs, e);
    return;
  }
  const bool truncated = e.connection == 1;
  const storage::VersionVector before = nodes_[to].node->store().version_vector();
  auto imported = node::ImportBundle(*nodes_[to].node, e.bytes, "sim bundle", ClockOf(to)(), HostLog(to));
  if (truncated) {
    Trace("bundle to " + Name(to) + ", cut short: " + (imported.ok() ? "imported" : imported.status().ToString()));
    if (imported.ok() || nodes_[to].node->store().version_vector() != before) {
      Fail("check 2: a bundle cut short changed " + Name(to));
    }
    return;
  }
  if (!imported.ok()) {
    Fail("check 2: " + Name(to) + " could not import a bundle: " + imported.status().ToString());
    return;
  }
  ++result_.bundles;
  Trace("bundle to " + Name(to) + ": " + std::to_string(imported->applied) + " segments applied, " +
        std::to_string(imported->duplicates) + " held already, " + std::to_string(imported->refused) + " refused, " +
        std::to_string(imported->waiting) + " waiting");
}

// ---------------------------------------------------------------------------------------------
// Healing and the checks

std::map<int, storage::VersionVector> Simulation::Vectors() const {
  std::map<int, storage::VersionVector> out;
  for (size_t i = 0; i < nodes_.size(); ++i) out[static_cast<int>(i)] = nodes_[i].node->store().version_vector();
  return out;
}

// One session over link `l` with no faults, run to its end; false (and a failure) if it errs or
// ends without both sides synced.
bool Simulation::SyncNow(int l) {
  const auto& link = net_.link(l);
  now_ += 1000;
  replication::SessionOptions options;
  options.source = "sim heal link " + std::to_string(l);
  node::NodeSessionHost low_host(*nodes_[link.low].node, HostLog(link.low), ClockOf(link.low));
  node::NodeSessionHost high_host(*nodes_[link.high].node, HostLog(link.high), ClockOf(link.high));
  replication::Session low(low_host, options), high(high_host, options);
  std::deque<std::pair<int, std::string>> wire;  // (to, frame)
  for (auto& f : low.Start()) wire.emplace_back(1, std::move(f));
  for (auto& f : high.Start()) wire.emplace_back(0, std::move(f));
  while (!wire.empty()) {
    auto [to, bytes] = std::move(wire.front());
    wire.pop_front();
    ++result_.frames;
    auto answers = (to == 0 ? low : high).OnFrame(bytes);
    if (!answers.ok() && (Recovering(link.low) || Recovering(link.high))) {
      Trace("heal " + Name(link.low) + " <-> " + Name(link.high) + ": " + answers.status().message());
      return SyncNow(l);  // once: a recovering node does not end a session again for it
    }
    if (!answers.ok()) {
      Fail("check 2: a session " + Name(link.low) + " <-> " + Name(link.high) +
           " failed without faults: " + answers.status().ToString());
      return false;
    }
    for (auto& f : *answers) wire.emplace_back(1 - to, std::move(f));
  }
  if (!low.synced() || !high.synced()) {
    Fail("check 2: a session " + Name(link.low) + " <-> " + Name(link.high) + " ended unsynced without faults");
    return false;
  }
  auto stats = [](const replication::SessionStats& st) {
    return std::to_string(st.changes_applied) + " applied, " + std::to_string(st.segments_sent) + " sent, " +
           std::to_string(st.segments_deferred) + " deferred";
  };
  Trace("heal " + Name(link.low) + " <-> " + Name(link.high) + ": " + stats(low.stats()) + " / " + stats(high.stats()));
  return true;
}

void Simulation::Heal() {
  faults_ = false;
  connections_.clear();
  queue_.clear();
  Trace("healing: every link up, every node running, no faults");
  for (size_t n = 0; n < nodes_.size(); ++n) {
    if (!nodes_[n].node) {
      Status opened = Restart(static_cast<int>(n));
      if (!opened.ok()) return Fail("restart of " + Name(static_cast<int>(n)) + " failed: " + opened.ToString());
    }
  }
  // Tree links, deepest first (up), then shallowest first (down).
  std::vector<int> up;
  for (size_t l = 0; l < net_.links().size(); ++l) {
    if (!net_.links()[l].sibling) up.push_back(static_cast<int>(l));
  }
  std::stable_sort(up.begin(), up.end(), [&](int a, int b) {
    return nodes_[net_.link(a).low].spec.depth > nodes_[net_.link(b).low].spec.depth;
  });
  std::vector<int> order = up;
  order.insert(order.end(), up.rbegin(), up.rend());
  for (int round = 1; round <= config_.heal_rounds; ++round) {
    ++result_.heal_rounds;
    const auto before = Vectors();
    for (int l : order) {
      if (!SyncNow(l)) return;
    }
    if (Vectors() == before) return;
  }
  Fail("check 2: still changing after " + std::to_string(config_.heal_rounds) + " rounds of healing");
}

// The digest of folding `source`'s log up to `limit`, plus `extra`'s own entries of `extra_origin`
// beyond what `source` holds (a forger's changes that no one else accepted).
Result<storage::Hash256> FoldDigest(const storage::Store& source, const storage::VersionVector& limit,
                                    const storage::Store* extra, uint64_t extra_origin) {
  std::map<std::string, std::string> states;
  Status bad;
  auto fold = [&](uint64_t origin, uint64_t seq, std::string_view bytes) {
    auto lim = limit.find(origin);
    if (lim == limit.end() || seq > lim->second) return true;
    auto entry = storage::Parsed<schema::LogEntry>::Parse(bytes, "log entry");
    if (!entry.ok()) {
      bad = entry.status();
      return false;
    }
    auto change = entry->get().getChange();
    std::string id = change.getRecordId().cStr();
    auto it = states.find(id);
    if (it == states.end()) {
      states.emplace(id, storage::FoldChange(nullptr, change));
    } else {
      auto current = storage::Parsed<schema::RecordState>::Own(it->second);
      auto reader = current.get();
      it->second = storage::FoldChange(&reader, change);
    }
    return true;
  };
  DANCU_RETURN_IF_ERROR(source.ScanLog(fold));
  DANCU_RETURN_IF_ERROR(bad);
  if (extra != nullptr) {
    const auto held = source.version_vector();
    const uint64_t from = held.count(extra_origin) ? held.at(extra_origin) + 1 : 1;
    DANCU_RETURN_IF_ERROR(extra->ScanLogFrom(extra_origin, from, fold));
    DANCU_RETURN_IF_ERROR(bad);
  }
  storage::StateDigest digest;
  for (const auto& [id, bytes] : states) digest.Add(id, bytes);
  return digest.Digest();
}

std::optional<std::string> Simulation::BlockedAt(int n, uint64_t origin, const storage::VersionVector& held, int source) {
  auto at = [&](uint64_t o) -> uint64_t {
    auto it = held.find(o);
    return it == held.end() ? 0 : it->second;
  };
  const uint64_t next = at(origin) + 1;
  // The segment n would be sent next ends at the first checkpoint its sender holds from there on
  // (a hub keeps only the checkpoints of the segments it received, so it cannot cut finer).
  const storage::Store& sender = nodes_[n > 0 ? nodes_[n].spec.parent : source].node->store();
  uint64_t end = UINT64_MAX;
  (void)sender.ScanCheckpointsFrom(origin, next, [&](uint64_t, uint64_t seq, std::string_view) {
    end = seq;
    return false;
  });
  std::optional<std::string> why;
  Status scanned = nodes_[source].node->store().ScanLogFrom(origin, next, [&](uint64_t, uint64_t seq, std::string_view bytes) {
    auto entry = storage::Parsed<schema::LogEntry>::Parse(bytes, "log entry");
    if (!entry.ok()) return false;
    for (auto dep : entry->get().getChange().getBasedOn()) {
      if (dep.getOrigin() != origin && at(dep.getOrigin()) < dep.getSeq()) {
        why = Hex(origin) + "/" + std::to_string(seq) + " (to record " + entry->get().getChange().getRecordId().cStr() +
              ") depends on " + Hex(dep.getOrigin()) + "/" + std::to_string(dep.getSeq()) + ", which " + Name(n) +
              " is never sent";
        return false;
      }
    }
    return seq < end;
  });
  if (!scanned.ok()) return std::nullopt;
  return why;
}

void Simulation::Check() {
  const auto vectors = Vectors();
  const storage::Store& central = nodes_[0].node->store();
  const auto& at_central = vectors.at(0);
  auto held = [](const storage::VersionVector& vv, uint64_t origin) -> uint64_t {
    auto it = vv.find(origin);
    return it == vv.end() ? 0 : it->second;
  };

  // 1. Every acknowledged change is at central (after a restore: every one that survived the lost
  //    disk, and every one acknowledged since, less those the recovery kept in the quarantine as no
  //    longer valid); no node holds a change central lacks, but a forger its own refused ones.
  for (size_t i = 0; i < nodes_.size() && result_.ok; ++i) {
    const SimNode& n = nodes_[i];
    const uint64_t origin = n.spec.node_id;
    uint64_t refused_again = 0;
    Status counted = n.node->store().ScanQuarantine([&](std::string_view, std::string_view bytes) {
      auto run = storage::Parsed<schema::QuarantinedRun>::Parse(bytes, "quarantined run");
      if (run.ok() && run->get().getSource() == "recovery of the own log") ++refused_again;
      return true;
    });
    if (!counted.ok()) Fail("harness: " + counted.ToString());
    if (n.forged_seq == 0 && held(at_central, origin) + refused_again < n.acked) {
      // Explain it: where on the way up the change waits, and for what.
      std::optional<std::string> blocked;
      for (int a = n.spec.parent; a >= 0 && !blocked; a = nodes_[a].spec.parent) {
        blocked = BlockedAt(a, origin, vectors.at(a), static_cast<int>(i));
        if (blocked) *blocked = "at " + Name(a) + ", " + *blocked;
      }
      Fail("check 1: central holds " + n.spec.name + "'s changes up to seq " + std::to_string(held(at_central, origin)) +
           ", but it acknowledged up to " + std::to_string(n.acked) + (blocked ? ": " + *blocked : ""));
    }
    for (const auto& [o, seq] : vectors.at(static_cast<int>(i))) {
      const bool own_forged = o == origin && n.forged_seq != 0;
      if (seq > held(at_central, o) && !own_forged) {
        Fail("check 1: " + n.spec.name + " holds changes of origin " + Hex(o) + " up to seq " + std::to_string(seq) +
             " that central lacks (it holds " + std::to_string(held(at_central, o)) + ")");
      }
    }
  }

  // 4. No origin was taken for two different logs anywhere (a restored node recovered instead).
  for (size_t i = 0; i < nodes_.size() && result_.ok; ++i) {
    for (const auto& [o, seq] : vectors.at(static_cast<int>(i))) {
      auto compromised = nodes_[i].node->store().Compromised(o);
      if (!compromised.ok() || *compromised) {
        Fail("check 4: " + Name(static_cast<int>(i)) + " holds origin " + Hex(o) + " compromised (an equivocation)");
        break;
      }
    }
  }

  // 3. No forged change applied anywhere but at its author; its receiver quarantined it.
  for (const auto& [forger, seq] : forged_) {
    const uint64_t origin = nodes_[forger].spec.node_id;
    for (size_t i = 0; i < nodes_.size() && result_.ok; ++i) {
      if (static_cast<int>(i) == forger) continue;
      if (held(vectors.at(static_cast<int>(i)), origin) >= seq) {
        Fail("check 3: " + Name(static_cast<int>(i)) + " applied the change " + Name(forger) + " forged (seq " +
             std::to_string(seq) + ")");
      }
    }
    bool quarantined = false;
    Status scanned = nodes_[nodes_[forger].spec.parent].node->store().ScanQuarantine(
        [&](std::string_view key, std::string_view) {
          if (key.size() < 24) return true;
          auto be = [&](size_t at) {
            uint64_t v = 0;
            for (size_t b = 0; b < 8; ++b) v = (v << 8) | static_cast<uint8_t>(key[at + b]);
            return v;
          };
          if (be(0) == origin && be(8) <= seq && seq <= be(16)) quarantined = true;
          return !quarantined;
        });
    if (!scanned.ok()) Fail("harness: " + scanned.ToString());
    if (!quarantined) {
      Fail("check 3: " + Name(nodes_[forger].spec.parent) + " has no quarantine entry for the change " +
           Name(forger) + " forged (seq " + std::to_string(seq) + ")");
    }
  }

  // 2. Convergence.
  for (size_t i = 0; i < nodes_.size() && result_.ok; ++i) {
    const SimNode& n = nodes_[i];
    const storage::Store& store = n.node->store();
    const auto digest = store.state_digest().Digest();
    auto report = storage::VerifyStore(store, n.node->KeyLookup());
    if (!report.ok()) {
      Fail("check 2: log verify fails at " + n.spec.name + ": " + report.status().ToString());
      break;
    }
    if (report->state_hash != digest) Fail("check 2: " + n.spec.name + "'s state hash differs from its replay");
    auto folded = FoldDigest(central, vectors.at(static_cast<int>(i)), n.forged_seq ? &store : nullptr, n.spec.node_id);
    if (!folded.ok()) {
      Fail("harness: " + folded.status().ToString());
    } else if (*folded != digest) {
      Fail("check 2: " + n.spec.name + "'s state differs from central's changes folded up to its version vector");
    }
    if (i == 0 || !result_.ok) continue;
    // Every change to a record homed in its part of the tree.
    Status scanned = central.ScanRecords([&](std::string_view id, std::string_view bytes) {
      auto state = storage::Parsed<schema::RecordState>::Parse(bytes, "record");
      if (!state.ok()) return true;
      if (!CoversUnit(static_cast<int>(i), state->get().getResident().getHomeUnit().cStr())) return true;
      // The versions it lacks, explained where one is blocked (here, or at an ancestor it would come
      // through) behind a dependency never sent: the others may follow from it.
      std::optional<std::string> missing, blocked;
      for (auto v : state->get().getVersions()) {
        if (held(vectors.at(static_cast<int>(i)), v.getOrigin()) >= v.getSeq()) continue;
        const std::string what = n.spec.name + " lacks change " + Hex(v.getOrigin()) + "/" + std::to_string(v.getSeq()) +
                                 " of record " + std::string(id) + ", homed in its part of the tree";
        if (!missing) missing = what;
        for (int a = static_cast<int>(i); a > 0 && !blocked; a = nodes_[a].spec.parent) {
          auto why = BlockedAt(a, v.getOrigin(), vectors.at(a));
          if (why) {
            blocked = what + ": " + (a != static_cast<int>(i) ? "through " + Name(a) + ", " : "") + *why;
          }
          if (held(vectors.at(nodes_[a].spec.parent), v.getOrigin()) >= v.getSeq()) break;
        }
      }
      if (!missing) return true;
      Fail("check 2: " + (blocked ? *blocked : *missing));
      return false;
    });
    if (!scanned.ok()) Fail("harness: " + scanned.ToString());
  }

  for (size_t i = 0; i < nodes_.size(); ++i) {
    const std::string hex = storage::ToHex(nodes_[i].node->store().state_digest().Digest());
    result_.digests[nodes_[i].spec.name] = hex;
    Status scanned = nodes_[i].node->store().ScanQuarantine([&](std::string_view, std::string_view) {
      ++result_.quarantined;
      return true;
    });
    (void)scanned;
  }
  result_.central_digest = result_.digests["central"];
  (void)central.ScanConflicts("", [&](std::string_view, std::string_view) {
    ++result_.conflicts;
    return true;
  });
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

}  // namespace

Result<SimResult> RunSeed(const WorldTemplate& world, const SimConfig& config, const std::string& work_dir, bool keep) {
  Result<SimResult> result = SimResult{};
  {
    // Nothing random in a node but keys and nonces; none should be drawn, but if one is, it too
    // depends on the seed.
    DeterministicRandomBytes random(config.seed ^ 0x73696dull);
    Simulation sim(world, config, work_dir);
    result = sim.Run();
  }
  if (!keep) {
    std::error_code ec;
    fs::remove_all(work_dir, ec);
  }
  return result;
}

std::string Summary(uint64_t seed, const SimResult& r) {
  std::string line = "seed " + std::to_string(seed) + (r.ok ? " ok" : " FAILED " + r.failure);
  line += "  trace " + Hex(r.trace_hash) + "  events " + std::to_string(r.events) + " frames " +
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
