// Store::Ingest: how another origin's changes enter the store (see store.h).
#include <capnp/message.h>

#include <optional>

#include "storage/canonical.h"
#include "storage/conflict_key.h"
#include "storage/ingest.capnp.h"
#include "storage/log_format.h"
#include "storage/officer_role.h"
#include "storage/person_duplicates.h"
#include "storage/record_fold.h"
#include "storage/record_stage.h"
#include "storage/resident_fields.h"
#include "storage/store.h"
#include "storage/store_layout.h"

namespace dancu::storage {

namespace {

using Verdict = IngestOutcome::Verdict;

std::string Name(uint64_t origin, uint64_t seq) {
  return "origin " + ToHex(layout::EncodeU64(origin)) + " seq " + std::to_string(seq);
}

// A verified entry waiting to be applied.
struct Verified {
  const std::string* bytes;
  Parsed<schema::LogEntry> entry;
};

// A run that verifies alone: its parsed entries, their leaf hashes, and the signed root.
struct VerifiedRun {
  std::vector<Verified> entries;
  std::vector<Hash256> leaves;
  Hash256 root{};
};

// VerifyRunProof's checks (store.h), keeping what they parsed.
Result<VerifiedRun> VerifyAlone(const IncomingRun& run, const OriginTrust& trust) {
  if (run.entries.empty()) return Status::Corruption("an empty run");
  VerifiedRun verified;
  const uint64_t last = run.first_seq + run.entries.size() - 1;
  if (NodeIdFromKey(trust.key) != run.origin) return Status::Corruption("the origin's key does not name the origin");
  if (last > trust.revoked_after) {
    return Status::PermissionDenied(Name(run.origin, last) + " was signed after the origin's revocation at seq " +
                                    std::to_string(trust.revoked_after));
  }
  std::vector<merkle::IndexedLeaf> indexed;
  for (size_t i = 0; i < run.entries.size(); ++i) {
    const uint64_t seq = run.first_seq + i;
    auto parsed = Parsed<schema::LogEntry>::Parse(run.entries[i], Name(run.origin, seq));
    if (!parsed.ok()) return parsed.status();
    // Canonical bytes may still hold a field of the wrong kind (a list where a struct belongs, a
    // Text without its NUL): Cap'n Proto throws when it is read.
    Status shape;
    try {
      auto change = parsed->get().getChange();
      if (change.getOrigin() != run.origin || change.getSeq() != seq) {
        return Status::Corruption(Name(run.origin, seq) + " names another origin or seq");
      }
      shape = CheckChangeShape(change);
    } catch (const kj::Exception& e) {
      shape = Status::Corruption(e.getDescription().cStr());
    }
    if (!shape.ok()) return Status::Corruption(Name(run.origin, seq) + ": " + shape.message());
    verified.leaves.push_back(merkle::LeafHash(run.entries[i]));
    indexed.push_back({seq - 1, verified.leaves.back()});
    verified.entries.push_back({&run.entries[i], std::move(parsed.value())});
  }
  auto checkpoint = Parsed<schema::Checkpoint>::Parse(run.checkpoint, "checkpoint of " + Name(run.origin, last));
  if (!checkpoint.ok()) return checkpoint.status();
  auto cp = checkpoint->get();
  if (cp.getOrigin() != run.origin || cp.getSeq() != last) {
    return Status::Corruption("the checkpoint is not the tree head of " + Name(run.origin, last));
  }
  auto signed_root = HashFromData(cp.getRoot(), "checkpoint root");
  if (!signed_root.ok()) return signed_root.status();
  if (Status sig = VerifyCheckpoint(cp, trust.key); !sig.ok()) {
    return Status::Corruption("checkpoint of " + Name(run.origin, last) + ": " + sig.message());
  }
  auto proof = UnpackHashes(run.proof, kMaxProofHashes, "the inclusion proof of " + Name(run.origin, run.first_seq));
  if (!proof.ok()) return proof.status();
  auto root = merkle::RootFromInclusionProof(last, indexed, *proof);
  if (!root.ok()) return root.status().WithContext("the inclusion proof of " + Name(run.origin, run.first_seq));
  if (*root != *signed_root) {
    return Status::Corruption("the entries of " + Name(run.origin, run.first_seq) + " on are not in the tree the checkpoint signs");
  }
  verified.root = *root;
  return verified;
}

}  // namespace

Result<Hash256> VerifyRunProof(const IncomingRun& run, const OriginTrust& trust) {
  auto verified = VerifyAlone(run, trust);
  if (!verified.ok()) return verified.status();
  return verified->root;
}

namespace {
// The quarantine family's key and value for `run`.
std::pair<std::string, std::string> QuarantineEntry(const IncomingRun& run, const std::string& reason, uint64_t now_ms) {
  capnp::MallocMessageBuilder message;
  auto q = message.initRoot<schema::QuarantinedRun>();
  const uint64_t last = run.first_seq + (run.entries.empty() ? 0 : run.entries.size() - 1);
  q.setOrigin(run.origin);
  q.setFirstSeq(run.first_seq);
  q.setLastSeq(last);
  q.setReason(reason);
  q.setSource(run.source);
  q.setReceivedAt(now_ms);
  auto entries = q.initEntries(static_cast<unsigned>(run.entries.size()));
  for (unsigned i = 0; i < run.entries.size(); ++i) {
    entries.set(i, capnp::Data::Reader(reinterpret_cast<const kj::byte*>(run.entries[i].data()), run.entries[i].size()));
  }
  q.setCheckpoint(capnp::Data::Reader(reinterpret_cast<const kj::byte*>(run.checkpoint.data()), run.checkpoint.size()));
  q.setProof(capnp::Data::Reader(reinterpret_cast<const kj::byte*>(run.proof.data()), run.proof.size()));
  return {layout::LogKey(run.origin, run.first_seq) + layout::EncodeU64(last), Canonicalize(q.asReader())};
}
}  // namespace

Status Store::Quarantine(const IncomingRun& run, const std::string& reason) {
  auto [key, value] = QuarantineEntry(run, reason, options_.wall_clock());
  rocksdb::WriteBatch batch;
  batch.Put(cf_->quarantine, Slice(key), Slice(value));
  return WriteDurably(batch, "writing the quarantine");
}

Status Store::RecordEquivocation(const IncomingRun& run, const std::string& reason) {
  rocksdb::WriteBatch batch;
  auto [key, value] = QuarantineEntry(run, reason, options_.wall_clock());
  batch.Put(cf_->quarantine, Slice(key), Slice(value));
  batch.Put(cf_->meta, std::string(layout::kCompromisedPrefix) + layout::EncodeU64(run.origin), reason);
  return WriteDurably(batch, "keeping the evidence of an equivocation");
}

Result<IngestOutcome> Store::Ingest(const IncomingRun& run, const TrustLookup& trust) {
  std::lock_guard<std::mutex> lock(mu_);
  IngestOutcome outcome;
  const uint64_t held = versions_.count(run.origin) ? versions_.at(run.origin) : 0;
  outcome.held = held;
  auto refuse = [&](const std::string& reason) -> Result<IngestOutcome> {
    DANCU_RETURN_IF_ERROR(Quarantine(run, reason));
    outcome.verdict = Verdict::kRefused;
    outcome.reason = reason;
    return outcome;
  };
  if (run.origin == 0 || run.first_seq == 0 || run.entries.empty()) return refuse("an empty or unnamed run");
  const uint64_t last = run.first_seq + run.entries.size() - 1;
  if (run.first_seq > held + 1) {
    outcome.verdict = Verdict::kGap;
    outcome.reason = "holding " + Name(run.origin, held) + ", the run starts at seq " + std::to_string(run.first_seq);
    return outcome;
  }
  auto compromised = Compromised(run.origin);
  if (!compromised.ok()) return compromised.status();
  if (*compromised) {
    return refuse("origin " + IdHex(run.origin) +
                  " is held compromised here (it signed two different logs): an operator must decide");
  }
  // Entries held already must be the ones held: a run that repeats them is a duplicate, one that
  // differs is either forged (it does not verify) or the origin's second, different log.
  const uint64_t overlap_last = std::min(last, held);
  bool overlap_differs = false;
  if (run.first_seq <= overlap_last) {
    auto stored = StoredLeafHashes(run.origin, run.first_seq, overlap_last);
    if (!stored.ok()) return stored.status();
    for (size_t i = 0; i < stored->size(); ++i) overlap_differs |= (*stored)[i] != merkle::LeafHash(run.entries[i]);
  }
  if (last <= held && !overlap_differs) {
    outcome.verdict = Verdict::kDuplicate;
    return outcome;
  }
  std::optional<OriginTrust> origin_trust = trust(run.origin);
  if (!origin_trust) {
    outcome.verdict = Verdict::kNotReady;
    outcome.reason = "no valid certificate for origin " + IdHex(run.origin);
    return outcome;
  }
  auto verified = VerifyAlone(run, *origin_trust);
  if (!verified.ok()) return refuse(verified.status().message());
  auto held_frontier = FrontierOf(run.origin);
  if (!held_frontier.ok()) return held_frontier.status();
  merkle::Frontier frontier = *held_frontier;
  rocksdb::WriteBatch batch;
  for (size_t i = held + 1 - run.first_seq; !overlap_differs && i < verified->leaves.size(); ++i) {
    AppendLeaf(run.origin, frontier, verified->leaves[i], batch);
  }
  if (overlap_differs || frontier.Root() != verified->root) {
    const std::string reason = "equivocation: origin " + IdHex(run.origin) + " signed a tree of " +
                               std::to_string(last) + " entries that does not extend the tree of " +
                               std::to_string(held) + " entries held here";
    DANCU_RETURN_IF_ERROR(RecordEquivocation(run, reason));
    outcome.verdict = Verdict::kRefused;
    outcome.reason = reason;
    outcome.equivocation = true;
    return outcome;
  }

  HybridClock clock = clock_;
  RecordStage stage(*this, db_.get(), *cf_, batch, digest_);
  const uint64_t now_ms = clock.wall_now();
  for (size_t i = held + 1 - run.first_seq; i < verified->entries.size(); ++i) {
    const Verified& v = verified->entries[i];
    auto change = v.entry.get().getChange();
    if (Status role = CheckOfficerRole(change, origin_trust->hub); !role.ok()) {
      return refuse(Name(run.origin, change.getSeq()) + ": " + role.message());
    }
    const std::string record_id = change.getRecordId().cStr();
    auto current_bytes = stage.Current(record_id);
    if (!current_bytes.ok()) return current_bytes.status();
    std::optional<Parsed<schema::RecordState>> current;
    if (current_bytes->has_value()) {
      auto parsed = Parsed<schema::RecordState>::Parse(**current_bytes, "record " + record_id);
      if (!parsed.ok()) return parsed.status();
      current.emplace(std::move(parsed.value()));
    }
    schema::RecordState::Reader current_reader;
    if (current) current_reader = current->get();
    // Causal readiness: every version the change names is held (this origin's own are held or
    // earlier in the run). A change from an ancestor may fold without it, unchecked; otherwise the
    // run waits. Nothing is written before the whole run is staged.
    bool checked = true;
    for (auto dep : change.getBasedOn()) {
      if (dep.getOrigin() == run.origin) continue;
      auto it = versions_.find(dep.getOrigin());
      if (it != versions_.end() && it->second >= dep.getSeq()) continue;
      if (run.from_ancestor) {
        checked = false;
        break;
      }
      outcome.verdict = Verdict::kNotReady;
      outcome.reason =
          Name(run.origin, change.getSeq()) + " depends on " + Name(dep.getOrigin(), dep.getSeq()) + ", not held yet";
      return outcome;
    }
    if (checked) {
      // Authority over the record as the change's author saw it.
      // (A record may be held already from unchecked changes that reached here before its creation;
      // an id naming the change itself shows which change created it.)
      const bool create = change.getOperation() == schema::Operation::CREATE &&
                          (!current || record_id == RecordIdFor(run.origin, change.getSeq()));
      std::string home = create ? change.getValues().getHomeUnit().cStr()
                                : current ? HomeSeenBy(current->get(), change) : std::string();
      if (home.empty()) {
        return refuse(Name(run.origin, change.getSeq()) + " changes record " + record_id +
                      " that its author cannot have held");
      }
      if (!origin_trust->covers(home)) {
        return refuse(Name(run.origin, change.getSeq()) + " changes record " + record_id + " homed in unit " + home +
                      ", outside the origin's authority");
      }
    }

    std::string next_bytes = FoldChange(current ? &current_reader : nullptr, change);
    auto next = Parsed<schema::RecordState>::Own(next_bytes);

    // Concurrent edits: the fold has kept one value; record the pair.
    if (current && checked) {
      const auto stamps = next.get().getStamps();
      for (const ConcurrentEdit& edit : ConcurrentEdits(current->get(), change)) {
        VersionRef incoming{change.getOrigin(), change.getSeq()};
        VersionRef existing{edit.current.origin, edit.current.seq};
        bool incoming_kept = false;
        for (auto s : stamps) {
          if (s.getField() == edit.field) incoming_kept = s.getOrigin() == incoming.origin && s.getSeq() == incoming.seq;
        }
        std::string id = ConflictId(record_id, edit.field, incoming, existing);
        batch.Put(cf_->conflicts, ConflictKey(record_id, id),
                  ConflictBytes(id, record_id, schema::ConflictKind::CONCURRENT_EDIT, edit.field,
                                incoming_kept ? incoming : existing, incoming_kept ? existing : incoming, "",
                                fields::NeedsReview(edit.field), now_ms));
        ++outcome.conflicts;
      }
      DANCU_RETURN_IF_ERROR(
          stage.SettleConflicts(record_id, change, MayDecide(change.getOfficerRole(), origin_trust->hub)));
      stage.OpenCardCase(record_id, change, now_ms);
    }
    // One citizen number claimed by two records: a duplicate case, under both records.
    auto resident = next.get().getResident();
    if (checked && resident.getCitizenNo().size() > 0 && resident.getMergedInto().size() == 0) {
      auto other = stage.OtherClaimant(resident.getCitizenNo().cStr(), record_id);
      if (!other.ok()) return other.status();
      if (other->has_value()) {
        VersionRef version{change.getOrigin(), change.getSeq()};
        std::string id = DuplicateCaseId(record_id, **other, schema::ConflictKind::DUPLICATE_CITIZEN_NO);
        const std::string& claimant = **other;
        for (const auto& [mine, theirs] : {std::pair(record_id, claimant), std::pair(claimant, record_id)}) {
          batch.Put(cf_->conflicts, ConflictKey(mine, id),
                    ConflictBytes(id, mine, schema::ConflictKind::DUPLICATE_CITIZEN_NO, fields::kCitizenNo, version,
                                  version, theirs, true, now_ms));
        }
        ++outcome.conflicts;
      }
    }
    // One person registered twice: a hub checks each record it receives against its subtree.
    if (checked && options_.hub) {
      auto raised = RaisePersonDuplicates(stage, next.get(), {change.getOrigin(), change.getSeq()}, now_ms);
      if (!raised.ok()) return raised.status();
      outcome.conflicts += *raised;
    }
    clock.Observe(change.getHlc(), kMaxClockAheadMs);
    batch.Put(cf_->log, layout::LogKey(run.origin, change.getSeq()), *v.bytes);
    stage.Put(record_id, *current_bytes, std::move(next_bytes));
    ++outcome.applied;
  }

  batch.Put(cf_->checkpoints, layout::LogKey(run.origin, last), run.checkpoint);
  batch.Put(cf_->meta, std::string(layout::kVersionPrefix) + layout::EncodeU64(run.origin), layout::EncodeU64(last));
  batch.Put(cf_->meta, layout::kClockKey, layout::EncodeU64(clock.last()));
  DANCU_RETURN_IF_ERROR(stage.Finish());
  DANCU_RETURN_IF_ERROR(WriteDurably(batch, "writing replicated changes"));

  clock_ = clock;
  digest_ = stage.digest();
  versions_[run.origin] = last;
  frontiers_[run.origin] = frontier;
  outcome.verdict = Verdict::kApplied;
  outcome.held = last;
  return outcome;
}

}  // namespace dancu::storage
