#include "devices/identify/matcher.h"

#include "devices/identify/geometry.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace dancu::identify {
namespace {

// Tolerances (500 dpi): distances within kDistanceAbs + kDistanceRel·d, relative angles within
// kAngleTolerance units (~21°), rotations within kRotationWindow units of the Hough peak,
// translations within kTranslationTolerance px of the consensus.
constexpr float kDistanceAbs = 4.0f;
constexpr float kDistanceRel = 0.05f;
constexpr int kAngleTolerance = 12;
constexpr int kRotationBinShift = 3;  // 32 bins of 8 units
constexpr int kRotationWindow = 10;
constexpr float kTranslationTolerance = 18.0f;
constexpr size_t kMaxAssociations = 1u << 17;

using internal::AngleDiff;
using internal::DirectionUnits;

}  // namespace

void PairTable::Reset(std::span<const Minutia> minutiae) {
  size_t n = std::min(minutiae.size(), kMaxMinutiae);
  minutiae_.assign(minutiae.begin(), minutiae.begin() + static_cast<std::ptrdiff_t>(n));
  pairs_.clear();
  constexpr float kMin2 = kMinPairDistance * kMinPairDistance;
  constexpr float kMax2 = kMaxPairDistance * kMaxPairDistance;
  for (size_t i = 0; i < n; ++i) {
    const Minutia& a = minutiae_[i];
    for (size_t j = i + 1; j < n; ++j) {
      const Minutia& b = minutiae_[j];
      float dx = static_cast<float>(b.x) - static_cast<float>(a.x);
      float dy = static_cast<float>(b.y) - static_cast<float>(a.y);
      float d2 = dx * dx + dy * dy;
      if (d2 < kMin2 || d2 > kMax2) continue;
      uint8_t line = DirectionUnits(dy, dx);
      pairs_.push_back(Pair{std::sqrt(d2), static_cast<uint8_t>(i), static_cast<uint8_t>(j),
                            static_cast<uint8_t>(a.angle - line),
                            static_cast<uint8_t>(b.angle - line), line});
    }
  }
  std::sort(pairs_.begin(), pairs_.end(),
            [](const Pair& x, const Pair& y) { return x.distance < y.distance; });
}

MatchResult Match(const PairTable& probe, const PairTable& gallery, MatchScratch& s) {
  const auto& pp = probe.pairs();
  const auto& gp = gallery.pairs();
  const size_t np = probe.minutiae().size();
  const size_t ng = gallery.minutiae().size();
  if (pp.empty() || gp.empty()) return {};

  // 1. Compatible pair associations, and a Hough vote on the rotation each implies.
  s.associations.clear();
  std::array<int, 32> histogram{};
  size_t lo = 0;
  for (const auto& p : pp) {
    float tolerance = kDistanceAbs + kDistanceRel * p.distance;
    while (lo < gp.size() && gp[lo].distance < p.distance - tolerance) ++lo;
    for (size_t g = lo; g < gp.size() && gp[g].distance <= p.distance + tolerance; ++g) {
      const auto& q = gp[g];
      if (std::abs(AngleDiff(p.beta_i, q.beta_i)) <= kAngleTolerance &&
          std::abs(AngleDiff(p.beta_j, q.beta_j)) <= kAngleTolerance) {
        uint8_t rot = static_cast<uint8_t>(q.line - p.line);
        s.associations.push_back({p.i, p.j, q.i, q.j, rot});
        ++histogram[rot >> kRotationBinShift];
      }
      // The same pair seen from its other end: the line turns by π, both betas by π.
      if (std::abs(AngleDiff(p.beta_i, static_cast<uint8_t>(q.beta_j + 128))) <= kAngleTolerance &&
          std::abs(AngleDiff(p.beta_j, static_cast<uint8_t>(q.beta_i + 128))) <= kAngleTolerance) {
        uint8_t rot = static_cast<uint8_t>(q.line + 128 - p.line);
        s.associations.push_back({p.i, p.j, q.j, q.i, rot});
        ++histogram[rot >> kRotationBinShift];
      }
    }
    if (s.associations.size() >= kMaxAssociations) break;
  }
  if (s.associations.empty()) return {};

  int best_bin = 0, best_votes = -1;
  for (int b = 0; b < 32; ++b) {
    int v = histogram[(b + 31) % 32] + 2 * histogram[b] + histogram[(b + 1) % 32];
    if (v > best_votes) best_votes = v, best_bin = b;
  }
  // Refine the rotation: the mean offset of the associations in the window.
  uint8_t center = static_cast<uint8_t>((best_bin << kRotationBinShift) + 4);
  long sum = 0, count = 0;
  for (const auto& a : s.associations) {
    int d = AngleDiff(a.rotation, center);
    if (std::abs(d) <= kRotationWindow) sum += d, ++count;
  }
  if (count == 0) return {};
  center = static_cast<uint8_t>(center + static_cast<int>(std::lround(static_cast<double>(sum) / static_cast<double>(count))));

  // 2. Correspondence votes from the associations agreeing with the rotation.
  s.votes.assign(np * ng, 0);
  for (const auto& a : s.associations) {
    if (std::abs(AngleDiff(a.rotation, center)) > kRotationWindow) continue;
    ++s.votes[a.k * ng + a.m];
    ++s.votes[a.l * ng + a.n];
  }
  // 3. Greedy one-to-one assignment, strongest first.
  struct Vote {
    uint16_t votes;
    uint8_t k, m;
  };
  std::vector<Vote> ranked;
  ranked.reserve(np * 2);
  for (size_t k = 0; k < np; ++k)
    for (size_t m = 0; m < ng; ++m)
      if (uint16_t v = s.votes[k * ng + m]; v >= 2)
        ranked.push_back({v, static_cast<uint8_t>(k), static_cast<uint8_t>(m)});
  std::sort(ranked.begin(), ranked.end(), [](const Vote& a, const Vote& b) { return a.votes > b.votes; });
  s.assigned.assign(np, -1);
  std::vector<uint8_t> taken(ng, 0);
  std::vector<std::pair<uint8_t, uint8_t>> pairs;
  for (const Vote& v : ranked) {
    if (s.assigned[v.k] >= 0 || taken[v.m]) continue;
    s.assigned[v.k] = v.m;
    taken[v.m] = 1;
    pairs.emplace_back(v.k, v.m);
  }
  if (pairs.size() < 2) return {};

  // 4. Translation consensus under the refined rotation.
  double angle = static_cast<double>(static_cast<int8_t>(center)) * std::numbers::pi / 128.0;
  float c = static_cast<float>(std::cos(angle)), sn = static_cast<float>(std::sin(angle));
  const auto& pm = probe.minutiae();
  const auto& gm = gallery.minutiae();
  std::vector<std::pair<float, float>> shift(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    const Minutia& p = pm[pairs[i].first];
    const Minutia& g = gm[pairs[i].second];
    float px = p.x, py = p.y;
    shift[i] = {g.x - (c * px - sn * py), g.y - (sn * px + c * py)};
  }
  constexpr float kTol2 = kTranslationTolerance * kTranslationTolerance;
  size_t best = 0, best_support = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    size_t support = 0;
    for (size_t j = 0; j < pairs.size(); ++j) {
      float dx = shift[i].first - shift[j].first, dy = shift[i].second - shift[j].second;
      if (dx * dx + dy * dy <= kTol2) ++support;
    }
    if (support > best_support) best_support = support, best = i;
  }
  int matched = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    float dx = shift[best].first - shift[i].first, dy = shift[best].second - shift[i].second;
    if (dx * dx + dy * dy > kTol2) s.assigned[pairs[i].first] = -1;
    else ++matched;
  }

  // 5. Score: associations whose both ends are kept correspondences.
  int score = 0;
  for (const auto& a : s.associations) {
    if (std::abs(AngleDiff(a.rotation, center)) > kRotationWindow) continue;
    if (s.assigned[a.k] == a.m && s.assigned[a.l] == a.n) ++score;
  }
  return {score, matched};
}

ProbeTables::ProbeTables(const Template& probe) {
  for (const auto& view : probe.views) views_.emplace_back(view);
}

MatchResult ProbeTables::Match(const Template& gallery, MatchScratch& scratch) const {
  MatchResult best;
  for (const auto& view : gallery.views) {
    scratch.gallery.Reset(view);
    for (const auto& probe : views_) {
      MatchResult r = identify::Match(probe, scratch.gallery, scratch);
      if (r.score > best.score) best = r;
    }
  }
  return best;
}

MatchResult MatchTemplates(const Template& probe, const Template& gallery) {
  MatchScratch scratch;
  return ProbeTables(probe).Match(gallery, scratch);
}

}  // namespace dancu::identify
