#include "devices/identify/identifier.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "devices/identify/index.h"
#include "devices/identify/matcher.h"

namespace dancu::identify {

// A fixed set of worker threads. ParallelFor runs fn(0..n-1) on the workers AND the calling
// thread, so it always makes progress even when every worker is busy with other calls.
class Identifier::Pool {
 public:
  explicit Pool(size_t threads) {
    for (size_t i = 1; i < threads; ++i) workers_.emplace_back([this] { Run(); });
  }
  ~Pool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
  }

  void ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
    if (n == 0) return;
    if (workers_.empty() || n == 1) {
      for (size_t i = 0; i < n; ++i) fn(i);
      return;
    }
    struct State {
      std::atomic<size_t> next{0};
      size_t done = 0;
      std::mutex mu;
      std::condition_variable cv;
    };
    auto state = std::make_shared<State>();
    auto work = [state, n, &fn] {
      size_t mine = 0;
      for (size_t i; (i = state->next.fetch_add(1)) < n; ++mine) fn(i);
      if (mine == 0) return;
      std::lock_guard lock(state->mu);
      state->done += mine;
      if (state->done == n) state->cv.notify_all();
    };
    {
      std::lock_guard lock(mu_);
      for (size_t i = 0; i < std::min(workers_.size(), n - 1); ++i) queue_.emplace_back(work);
    }
    cv_.notify_all();
    work();
    std::unique_lock lock(state->mu);
    state->cv.wait(lock, [&] { return state->done == n; });
  }

 private:
  void Run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

class Identifier::Shard {
 public:
  struct Slot {
    const std::string* record = nullptr;  // key of records_, stable while the slot is live
    FingerPosition position = FingerPosition::kUnknown;
    bool live = false;
    Template print;
  };

  mutable std::shared_mutex mu;
  CandidateIndex index;
  std::vector<Slot> slots;
  std::unordered_map<std::string, std::vector<uint32_t>> records;  // record id -> live slots
  size_t live = 0;

  void Clear() {
    index = CandidateIndex();
    slots.clear();
    records.clear();
    live = 0;
  }

  // Under an exclusive lock. `keys` are print's gallery keys.
  void Insert(std::string_view record_id, FingerPosition position, Template print,
              const std::vector<uint32_t>& keys) {
    auto [it, fresh] = records.try_emplace(std::string(record_id));
    for (auto s = it->second.begin(); s != it->second.end(); ++s)
      if (slots[*s].position == position) {
        Kill(*s);
        it->second.erase(s);
        break;
      }
    uint32_t slot = static_cast<uint32_t>(slots.size());
    slots.push_back(Slot{&it->first, position, true, std::move(print)});
    it->second.push_back(slot);
    index.InsertKeys(slot, keys);
    ++live;
  }

  // Removes the record's fingers at `position`, or all of them (nullopt); returns how many.
  size_t Remove(std::string_view record_id, std::optional<FingerPosition> position) {
    auto it = records.find(std::string(record_id));
    if (it == records.end()) return 0;
    size_t n = 0;
    std::erase_if(it->second, [&](uint32_t s) {
      if (position && slots[s].position != *position) return false;
      Kill(s);
      ++n;
      return true;
    });
    if (it->second.empty()) records.erase(it);
    return n;
  }

  void Kill(uint32_t s) {
    index.Remove(s);
    slots[s].live = false;
    slots[s].record = nullptr;
    slots[s].print = Template();
    --live;
  }

  size_t TemplateBytes() const {
    size_t bytes = slots.capacity() * sizeof(Slot);
    for (const auto& s : slots)
      for (const auto& v : s.print.views) bytes += sizeof(v) + v.capacity() * sizeof(Minutia);
    for (const auto& [id, list] : records)
      bytes += 48 + id.capacity() + sizeof(list) + list.capacity() * sizeof(uint32_t);
    return bytes;
  }
};

namespace {

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

Error Invalid(std::string message) { return Error{ErrorCode::kInvalidArgument, std::move(message)}; }

}  // namespace

Identifier::Identifier(IdentifierOptions options) : options_(options) {
  if (options_.shards == 0) options_.shards = 1;
  if (options_.shortlist == 0) options_.shortlist = 1;
  if (options_.verify == 0) options_.verify = 1;
  size_t threads = options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < options_.shards; ++i) shards_.push_back(std::make_unique<Shard>());
  pool_ = std::make_unique<Pool>(threads);
}

Identifier::~Identifier() = default;

Identifier::Shard& Identifier::ShardOf(std::string_view record_id) const {
  return *shards_[Fnv1a(record_id) % shards_.size()];
}

Expected<void> Identifier::Check(const Template& print) const {
  if (auto valid = Validate(print); !valid.ok()) return valid.error();
  if (print.MinutiaCount() < options_.min_minutiae)
    return Error{ErrorCode::kTooFewMinutiae,
                 "the print has " + std::to_string(print.MinutiaCount()) + " minutiae; at least " +
                     std::to_string(options_.min_minutiae) + " are needed"};
  return {};
}

Expected<void> Identifier::Insert(std::string_view record_id, FingerPosition position, Template print) {
  if (record_id.empty()) return Invalid("empty record id");
  if (auto ok = Check(print); !ok.ok()) return ok.error();
  std::vector<uint32_t> keys = CandidateIndex::GalleryKeys(print);  // outside the lock
  Shard& shard = ShardOf(record_id);
  std::unique_lock lock(shard.mu);
  shard.Insert(record_id, position, std::move(print), keys);
  return {};
}

size_t Identifier::Remove(std::string_view record_id, std::optional<FingerPosition> position) {
  Shard& shard = ShardOf(record_id);
  std::unique_lock lock(shard.mu);
  return shard.Remove(record_id, position);
}

Expected<void> Identifier::Build(std::vector<Enrollment> enrollments) {
  for (const auto& e : enrollments) {
    if (e.record_id.empty()) return Invalid("empty record id");
    if (auto ok = Check(e.print); !ok.ok())
      return Error{ok.error().code, "record " + e.record_id + ": " + ok.error().message};
  }
  std::vector<std::vector<uint32_t>> keys(enrollments.size());
  pool_->ParallelFor((enrollments.size() + 63) / 64, [&](size_t chunk) {
    for (size_t i = chunk * 64; i < std::min(enrollments.size(), chunk * 64 + 64); ++i)
      keys[i] = CandidateIndex::GalleryKeys(enrollments[i].print);
  });
  std::vector<std::unique_lock<std::shared_mutex>> locks;
  for (auto& shard : shards_) locks.emplace_back(shard->mu);
  std::vector<std::vector<size_t>> by_shard(shards_.size());
  for (size_t i = 0; i < enrollments.size(); ++i)
    by_shard[Fnv1a(enrollments[i].record_id) % shards_.size()].push_back(i);
  pool_->ParallelFor(shards_.size(), [&](size_t s) {
    Shard& shard = *shards_[s];
    shard.Clear();
    std::vector<std::pair<CandidateIndex::Id, std::vector<uint32_t>>> entries;
    for (size_t i : by_shard[s]) {
      Enrollment& e = enrollments[i];
      auto [it, fresh] = shard.records.try_emplace(e.record_id);
      auto& list = it->second;
      for (auto old = list.begin(); old != list.end(); ++old)
        if (shard.slots[*old].position == e.position) {  // a later enrollment replaces
          shard.slots[*old] = Shard::Slot{};
          entries[*old].second.clear();
          --shard.live;
          list.erase(old);
          break;
        }
      uint32_t slot = static_cast<uint32_t>(shard.slots.size());
      shard.slots.push_back(Shard::Slot{&it->first, e.position, true, std::move(e.print)});
      list.push_back(slot);
      entries.emplace_back(slot, std::move(keys[i]));
      ++shard.live;
    }
    shard.index.Build(entries);
    for (size_t slot = 0; slot < shard.slots.size(); ++slot)
      if (!shard.slots[slot].live) shard.index.Remove(static_cast<uint32_t>(slot));
  });
  return {};
}

double Identifier::Threshold(size_t gallery_fingers, size_t probe_fingers) {
  double decades = std::log10(std::max(1.0, static_cast<double>(gallery_fingers) / 1000.0));
  return static_cast<double>(probe_fingers) * (kThresholdBase + kThresholdPerDecade * decades);
}

Expected<Identification> Identifier::Identify(std::span<const ProbeFinger> probe, size_t max_candidates) const {
  if (probe.empty()) return Invalid("the probe has no finger");
  if (probe.size() > 10) return Invalid("the probe has more than 10 fingers");
  for (size_t i = 0; i < probe.size(); ++i) {
    for (size_t j = 0; j < i; ++j)
      if (probe[i].position == probe[j].position) return Invalid("the probe has one finger position twice");
    if (auto ok = Check(probe[i].print); !ok.ok())
      return Error{ok.error().code, "probe finger " + std::to_string(i) + ": " + ok.error().message};
  }
  if (max_candidates == 0) max_candidates = 1;

  // The probe's pair tables and keys, once, shared by every shard and candidate.
  const size_t nf = probe.size();
  std::vector<std::unique_ptr<ProbeTables>> tables(nf);
  std::vector<CandidateIndex::ProbeKeys> keys(nf);
  pool_->ParallelFor(nf * 2, [&](size_t i) {
    if (i % 2) keys[i / 2] = CandidateIndex::Keys(probe[i / 2].print);
    else tables[i / 2] = std::make_unique<ProbeTables>(probe[i / 2].print);
  });

  std::vector<std::shared_lock<std::shared_mutex>> locks;
  for (auto& shard : shards_) locks.emplace_back(shard->mu);
  Identification out;
  for (auto& shard : shards_) out.gallery_fingers += shard->live;
  out.threshold = Threshold(out.gallery_fingers, nf);

  // 1. Each shard shortlists records: the index's top fingers for each probe finger, grouped by
  // record (a record's votes: the sum over probe fingers of its best-voted finger), and keeps the
  // `verify` records with most votes.
  struct Work {
    const Shard* shard;
    const std::string* record;
    uint32_t votes;
  };
  std::vector<std::vector<CandidateIndex::Candidate>> fingers(shards_.size() * nf);  // [shard][finger]
  pool_->ParallelFor(fingers.size(), [&](size_t i) {
    fingers[i] = shards_[i / nf]->index.Candidates(keys[i % nf], options_.shortlist);
  });
  std::vector<std::vector<Work>> shortlists(shards_.size());
  pool_->ParallelFor(shards_.size(), [&](size_t s) {
    const Shard& shard = *shards_[s];
    std::unordered_map<const std::string*, std::vector<uint32_t>> seen;  // record -> votes per finger
    for (size_t f = 0; f < nf; ++f)
      for (const auto& c : fingers[s * nf + f]) {
        auto& v = seen.try_emplace(shard.slots[c.id].record, nf, 0).first->second;
        v[f] = std::max(v[f], c.votes);
      }
    auto& list = shortlists[s];
    for (const auto& [record, votes] : seen) {
      uint32_t sum = 0;
      for (uint32_t v : votes) sum += v;
      list.push_back(Work{&shard, record, sum});
    }
    auto more = [](const Work& a, const Work& b) {
      return a.votes != b.votes ? a.votes > b.votes : *a.record < *b.record;
    };
    size_t keep = std::min(list.size(), options_.verify);
    std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(keep), list.end(), more);
    list.resize(keep);
  });
  std::vector<Work> work;
  for (auto& list : shortlists) work.insert(work.end(), list.begin(), list.end());

  // 2. Verify every shortlisted record with every probe finger, in chunks over all cores.
  std::vector<Candidate> scored(work.size());
  constexpr size_t kChunk = 8;
  pool_->ParallelFor((work.size() + kChunk - 1) / kChunk, [&](size_t chunk) {
    MatchScratch scratch;
    for (size_t w = chunk * kChunk; w < std::min(work.size(), chunk * kChunk + kChunk); ++w) {
      const Shard& shard = *work[w].shard;
      Candidate& c = scored[w];
      c.record_id = *work[w].record;
      c.votes = work[w].votes;
      c.finger_scores.assign(nf, 0);
      c.finger_positions.assign(nf, FingerPosition::kUnknown);
      for (uint32_t slot : shard.records.at(c.record_id)) {
        const auto& s = shard.slots[slot];
        for (size_t f = 0; f < nf; ++f) {
          if (probe[f].position != FingerPosition::kUnknown && s.position != probe[f].position) continue;
          const int score = tables[f]->Match(s.print, scratch).score;
          if (score > c.finger_scores[f] || c.finger_positions[f] == FingerPosition::kUnknown) {
            c.finger_scores[f] = score;
            c.finger_positions[f] = s.position;
          }
        }
      }
      for (int v : c.finger_scores) c.score += v;
    }
  });

  // 3. Merge: best fused score first, ties by record id (the same order whatever the sharding).
  auto better = [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.record_id < b.record_id;
  };
  size_t m = std::min(max_candidates, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(m), scored.end(), better);
  scored.resize(m);
  out.candidates = std::move(scored);
  out.duplicate = !out.candidates.empty() && out.candidates[0].score >= out.threshold;
  return out;
}

size_t Identifier::fingers() const {
  size_t n = 0;
  for (auto& shard : shards_) {
    std::shared_lock lock(shard->mu);
    n += shard->live;
  }
  return n;
}

size_t Identifier::records() const {
  size_t n = 0;
  for (auto& shard : shards_) {
    std::shared_lock lock(shard->mu);
    n += shard->records.size();
  }
  return n;
}

size_t Identifier::shards() const { return shards_.size(); }

size_t Identifier::IndexMemoryBytes() const {
  size_t n = 0;
  for (auto& shard : shards_) {
    std::shared_lock lock(shard->mu);
    n += shard->index.MemoryBytes();
  }
  return n;
}

size_t Identifier::MemoryBytes() const {
  size_t n = IndexMemoryBytes();
  for (auto& shard : shards_) {
    std::shared_lock lock(shard->mu);
    n += shard->TemplateBytes();
  }
  return n;
}

}  // namespace dancu::identify
