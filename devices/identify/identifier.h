// Identifier: 1:N duplicate search over the enrolled fingers of a gallery — a CandidateIndex
// shortlists, the pair-table Matcher verifies, the probe's fingers (normally both index fingers)
// are fused into one score per record, and a threshold that rises with the gallery size decides.
//
// Sharding: records are split over `shards` shards by a fixed hash of the record id (FNV-1a, so
// the same record lands in the same shard on every machine and build). Each shard holds its own
// index, templates and lock, and answers on its own: the index shortlists `shortlist` fingers per
// probe finger, their records are ranked by index votes summed over the probe's fingers, the
// `verify` best are verified with every probe finger, and the shard returns its best records.
// Identify merges the shards' answers (best fused score first, ties by record id) and decides. In
// one process the shards share a worker pool; across machines each shard would run the same
// shortlist-and-verify step on its own records and only the answers (record ids and scores) would
// travel to the merge. A record's score does not depend on the other records of its shard, and
// within its shard its index votes compete with fewer records (each shard weighs votes by its own
// mean list length, so ranks are not strictly comparable), so in practice a sharded search
// verifies at least what an unsharded one does (tests: "sharded or not").
//
// Fusion: the fused score of a record is the sum of the matcher scores of each probe finger
// against the record's template of the same position (0 where the record lacks it); a probe
// finger of unknown position counts its best score against any of the record's fingers.
// Decision: duplicate when the best fused score reaches Threshold(gallery fingers, probe fingers)
// = probe fingers × (kThresholdBase + kThresholdPerDecade × log10(max(1, fingers / 1000))).
// The per-finger base is set above the impostor scores measured on synthetic fingers (the best
// impostor of a probe grows about linearly in log N, like the maximum of N light-tailed scores),
// so the false-match rate of a search stays roughly constant as the gallery grows instead of
// rising with N. The base is calibrated on real prints (FVC2002 B, `dancu biometric eval`,
// docs/performance.md): 36 keeps the FMR of one comparison under 0.1 % there.
//
// Ownership: the Identifier owns copies of every inserted template and its worker threads.
// Thread-safety: every method may be called concurrently. Each shard has a shared_mutex:
// Identify holds all shards shared (many searches at once), Insert/Remove hold one shard
// exclusively; Build holds all exclusively. No globals.
// Errors: Insert/Build refuse an invalid template or one with fewer than `min_minutiae` minutiae
// (kTooFewMinutiae) and change nothing; Identify refuses an empty probe, more than 10 fingers, a
// position twice, or a finger below `min_minutiae`. An empty gallery is not an error: no
// candidates, no duplicate.
// Thread-safety caveat: a search holds its shared locks for its whole duration, so a writer waits
// for the searches in progress (and, with glibc's reader-preferring rwlock, may wait longer under
// a continuous stream of searches).
// Cost: Insert O(n²) in the template's n minutiae for its keys, plus amortised index rebuilds;
// Identify builds each probe finger's pair table and keys once, reads posting lists (linear in
// the gallery with a small constant: ~2.5 ms per probe finger per 40,000 fingers) and verifies at
// most shards × verify records (~0.15 ms per finger pair), spread over all cores. Measured on
// 2 cores (dancu-bench-identify, two index fingers per search): 40,000 fingers p99 22 ms, rebuilt
// in 2 s; 1,000,000 fingers p99 ~0.2 s. Memory ≈ 1.1–1.2 KB per finger by the structures
// (index ~0.72 KB, template and record ~0.4 KB), about 1.5 KB of process RSS.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "devices/identify/template.h"

namespace dancu::identify {

// ISO/IEC 19794-2 / ANSI finger position codes.
enum class FingerPosition : uint8_t {
  kUnknown = 0,
  kRightThumb = 1,
  kRightIndex = 2,
  kRightMiddle = 3,
  kRightRing = 4,
  kRightLittle = 5,
  kLeftThumb = 6,
  kLeftIndex = 7,
  kLeftMiddle = 8,
  kLeftRing = 9,
  kLeftLittle = 10,
};

inline constexpr double kThresholdBase = 36;
inline constexpr double kThresholdPerDecade = 5;

struct IdentifierOptions {
  size_t shards = 1;
  size_t threads = 0;        // 0: std::thread::hardware_concurrency()
  size_t shortlist = 100;    // fingers each shard's index shortlists per probe finger
  size_t verify = 50;        // records each shard verifies (most index votes, fingers summed)
  size_t min_minutiae = 12;  // per template (over its views)
};

struct ProbeFinger {
  // Compared with the record's finger at this position; kUnknown: with each of its fingers, the
  // best counting (a print offered as the wrong finger, or a finger of unknown position).
  FingerPosition position = FingerPosition::kUnknown;
  Template print;
};

struct Enrollment {
  std::string record_id;
  FingerPosition position = FingerPosition::kUnknown;
  Template print;
};

struct Candidate {
  std::string record_id;
  int score = 0;                  // fused: sum of finger_scores
  std::vector<int> finger_scores; // one per probe finger, in the probe's order
  // The record's finger each probe finger was scored against (kUnknown: none of that position).
  std::vector<FingerPosition> finger_positions;
  uint32_t votes = 0;             // index votes, summed over probe fingers
};

struct Identification {
  std::vector<Candidate> candidates;  // best first, at most max_candidates
  double threshold = 0;
  bool duplicate = false;             // candidates[0].score >= threshold
  size_t gallery_fingers = 0;
};

class Identifier {
 public:
  explicit Identifier(IdentifierOptions options = {});
  ~Identifier();
  Identifier(const Identifier&) = delete;
  Identifier& operator=(const Identifier&) = delete;

  // Adds or replaces the template of (record, position).
  Expected<void> Insert(std::string_view record_id, FingerPosition position, Template print);
  // Removes the record's finger at `position`, or every finger of the record (nullopt); returns
  // how many.
  size_t Remove(std::string_view record_id, std::optional<FingerPosition> position = std::nullopt);
  // Replaces the whole gallery (the start-up rebuild from the store); keys computed on all cores.
  // All or nothing: the first bad enrollment is reported and the gallery is left as it was.
  Expected<void> Build(std::vector<Enrollment> enrollments);

  Expected<Identification> Identify(std::span<const ProbeFinger> probe, size_t max_candidates = 10) const;

  static double Threshold(size_t gallery_fingers, size_t probe_fingers);
  size_t fingers() const;
  size_t records() const;
  size_t shards() const;
  size_t MemoryBytes() const;  // estimated from the structures
  size_t IndexMemoryBytes() const;

  class Shard;
  class Pool;

 private:
  Expected<void> Check(const Template& print) const;
  Shard& ShardOf(std::string_view record_id) const;

  IdentifierOptions options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace dancu::identify
