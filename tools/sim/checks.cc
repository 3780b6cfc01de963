// The simulation's checks (tools/sim/simulation.h): after healing, checks 1-4; after each power
// cut, check 5.
#include <algorithm>

#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/ingest.capnp.h"
#include "storage/log_verify.h"
#include "storage/record_fold.h"
#include "tools/sim/simulation_impl.h"

namespace dancu::sim::internal {

namespace {

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

}  // namespace

std::map<int, storage::VersionVector> Simulation::Vectors() const {
  std::map<int, storage::VersionVector> out;
  for (size_t i = 0; i < nodes_.size(); ++i) out[static_cast<int>(i)] = nodes_[i].node->store().version_vector();
  return out;
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
  for (const auto& forged : forged_) {
    const int forger = forged.first;
    const uint64_t seq = forged.second;  // a plain variable: lambdas below capture it
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

// 5. A power cut loses nothing acknowledged: the node holds every change it held when the power
//    went, with the same state hash.
void Simulation::CheckDurable(int n) {
  SimNode& node = nodes_[n];
  if (!node.held_at_crash) return;
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
}

}  // namespace dancu::sim::internal
