// The officers of the simulation: what they append, where, and what is forged.
#include <algorithm>

#include "node/resident_drafts.h"
#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "tools/sim/simulation_impl.h"

namespace dancu::sim::internal {

namespace {

const char* const kNames[] = {"Vàng Seo Páo", "Giàng Thị Mai", "Lò Văn Minh", "Nguyễn Thị Hoa", "Sùng Mí Lử",
                              "Hoàng Văn Tùng", "Ly Thị Dế", "Mua Seo Chứ", "Đặng Văn Quý", "Thào Thị Sua"};
const char* const kReligions[] = {"Không", "Phật giáo", "Công giáo", "Tin lành"};

}  // namespace

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

}  // namespace dancu::sim::internal
