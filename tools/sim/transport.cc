// The simulation's transport: sessions over the simulated network, bundles carried on USB sticks,
// and the healing that syncs every link without faults.
#include <algorithm>

#include "node/bundles.h"
#include "tools/sim/simulation_impl.h"

namespace dancu::sim::internal {

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

}  // namespace dancu::sim::internal
