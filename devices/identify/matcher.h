// A verifying minutiae matcher of our own in the style of NIST's bozorth3 (the algorithm is
// published and public domain; this is a fresh implementation, not its code).
//
// Each finger becomes a pair table: for every two minutiae at most kMaxPairDistance apart, their
// distance and the angle of each minutia relative to the line joining them (both invariant to
// rotation and translation), sorted by distance. Two tables are compared by associating
// compatible pairs (distances within a tolerance, both relative angles within a tolerance, in
// either orientation); each association implies a rotation. A Hough vote picks the dominant
// rotation; the associations near it vote for minutia-to-minutia correspondences, which are
// assigned greedily one-to-one; correspondences whose implied translation disagrees with the
// consensus are dropped. The score is the number of associations (linked pairs) whose two ends
// are both among the kept correspondences: it grows with the square of the truly matching minutiae
// (a few hundred for two impressions of one synthetic finger, 67–480 for FVC2002 impressions
// through libfprint's minutiae) and stays near zero for different fingers (p99.9 ~25 on synthetic
// fingers). Higher means more similar; it is not normalised.
//
// Ownership: PairTable owns a copy of the minutiae it was built from.
// Thread-safety: a PairTable is immutable once built and may be shared by any number of threads;
// a MatchScratch belongs to one thread at a time.
// Errors: none; empty or tiny minutia sets score 0.
// Cost: building a table is O(n²) for n minutiae (~n²/2 distances and atan2s); a match is about
// O(p · w) for p pairs and w gallery pairs in a probe pair's distance window: ~0.15 ms for
// 45 minutiae, the gallery's table included. Build the probe's table once and reuse it over every
// candidate.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "devices/identify/template.h"

namespace dancu::identify {

inline constexpr float kMinPairDistance = 8.0f;     // px
inline constexpr float kMaxPairDistance = 110.0f;   // px

class PairTable {
 public:
  struct Pair {
    float distance;
    uint8_t i, j;          // minutia indices, i < j
    uint8_t beta_i, beta_j;  // minutia angle minus the angle of the line i→j (2π/256 units)
    uint8_t line;          // angle of the line i→j
  };

  PairTable() = default;
  explicit PairTable(std::span<const Minutia> minutiae) { Reset(minutiae); }
  // Rebuilds in place, reusing capacity (for a per-thread scratch table).
  void Reset(std::span<const Minutia> minutiae);

  const std::vector<Pair>& pairs() const { return pairs_; }
  const std::vector<Minutia>& minutiae() const { return minutiae_; }

 private:
  std::vector<Minutia> minutiae_;
  std::vector<Pair> pairs_;  // ascending distance
};

// Working memory for Match, reused across calls by one thread.
struct MatchScratch {
  struct Association {
    uint8_t k, l, m, n;  // probe k↔gallery m, probe l↔gallery n
    uint8_t rotation;    // gallery line angle minus probe line angle
  };
  std::vector<Association> associations;
  std::vector<uint16_t> votes;
  std::vector<int16_t> assigned;
  PairTable gallery;
};

struct MatchResult {
  int score = 0;    // linked pairs; higher = more similar
  int matched = 0;  // minutiae kept in correspondence
};

MatchResult Match(const PairTable& probe, const PairTable& gallery, MatchScratch& scratch);

// A probe template's tables, one per view, built once and reused over every candidate.
class ProbeTables {
 public:
  explicit ProbeTables(const Template& probe);
  // The best score over every probe view × gallery view (gallery tables built in `scratch`).
  MatchResult Match(const Template& gallery, MatchScratch& scratch) const;

 private:
  std::vector<PairTable> views_;
};

// Convenience for one-off comparisons: the best over all view pairs.
MatchResult MatchTemplates(const Template& probe, const Template& gallery);

}  // namespace dancu::identify
