#include "devices/identify/index.h"

#include "devices/identify/geometry.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace dancu::identify {
namespace {

constexpr int kGalleryNeighbours = 4;
constexpr int kProbeNeighbours = 6;
constexpr float kMinSide = 8.0f, kMaxSide = 160.0f;
constexpr float kSideBin = 10.0f;
constexpr float kSideEdge = 0.3f;       // within 30 % of a side bin's edge, try the neighbour bin
constexpr int kAngleEdge = 8;           // units of 2π/256, of a 32-unit angle bin
constexpr float kLabelTolerance = 6.0f; // sides this close may swap their order in a probe

struct Point {
  float x, y;
  uint8_t angle;
};


uint32_t SideIndex(int s1, int s2, int s3) {  // s1 >= s2 >= s3, each 0..15: dense 0..815
  auto c3 = [](int n) { return static_cast<uint32_t>(n * (n - 1) * (n - 2) / 6); };
  auto c2 = [](int n) { return static_cast<uint32_t>(n * (n - 1) / 2); };
  return c3(s1 + 2) + c2(s2 + 1) + static_cast<uint32_t>(s3);
}

// The triangles {i, j, k} (i < j < k) from each minutia and pairs of its `neighbours` nearest.
std::vector<std::array<uint8_t, 3>> Triangles(const std::vector<Point>& p, int neighbours) {
  const size_t n = p.size();
  std::vector<std::array<uint8_t, 3>> out;
  std::vector<std::pair<float, uint8_t>> near;
  for (size_t i = 0; i < n; ++i) {
    near.clear();
    for (size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      float dx = p[j].x - p[i].x, dy = p[j].y - p[i].y;
      float d = std::sqrt(dx * dx + dy * dy);
      if (d >= kMinSide && d < kMaxSide) near.emplace_back(d, static_cast<uint8_t>(j));
    }
    size_t m = std::min(near.size(), static_cast<size_t>(neighbours));
    std::partial_sort(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(m), near.end());
    for (size_t a = 0; a < m; ++a)
      for (size_t b = a + 1; b < m; ++b) {
        std::array<uint8_t, 3> t{static_cast<uint8_t>(i), near[a].second, near[b].second};
        std::sort(t.begin(), t.end());
        out.push_back(t);
      }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Appends the keys of triangle `t`; with `expand`, every plausible key of a distorted copy.
void TriangleKeys(const std::vector<Point>& p, const std::array<uint8_t, 3>& t, bool expand,
                  std::vector<uint32_t>& out) {
  const Point* v[3] = {&p[t[0]], &p[t[1]], &p[t[2]]};
  float side[3];  // side[i] is opposite vertex i
  for (int i = 0; i < 3; ++i) {
    const Point& a = *v[(i + 1) % 3];
    const Point& b = *v[(i + 2) % 3];
    side[i] = std::hypot(a.x - b.x, a.y - b.y);
  }
  for (float s : side)
    if (s < kMinSide || s >= kMaxSide) return;
  float cx = (v[0]->x + v[1]->x + v[2]->x) / 3, cy = (v[0]->y + v[1]->y + v[2]->y) / 3;
  uint8_t beta[3];
  for (int i = 0; i < 3; ++i)
    beta[i] = static_cast<uint8_t>(v[i]->angle - internal::DirectionUnits(cy - v[i]->y, cx - v[i]->x));

  static constexpr int kPermutations[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                             {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (const auto& perm : kPermutations) {
    float l0 = side[perm[0]], l1 = side[perm[1]], l2 = side[perm[2]];
    if (expand) {
      if (l0 < l1 - kLabelTolerance || l1 < l2 - kLabelTolerance) continue;
    } else {
      // The one canonical order: sides descending, ties broken by position.
      if (l0 < l1 || l1 < l2 || (l0 == l1 && perm[0] > perm[1]) || (l1 == l2 && perm[1] > perm[2]))
        continue;
    }
    const Point& a = *v[perm[0]];
    const Point& b = *v[perm[1]];
    const Point& c = *v[perm[2]];
    uint32_t hand = ((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)) > 0 ? 1 : 0;

    // Candidate bins per feature: sides 0..2, angles 3..5.
    int bins[6][2];
    int counts[6];
    float ls[3] = {l0, l1, l2};
    for (int f = 0; f < 3; ++f) {
      float q = ls[f] / kSideBin;
      int b0 = std::min(15, static_cast<int>(q));
      float frac = q - static_cast<float>(b0);
      bins[f][0] = b0;
      counts[f] = 1;
      if (expand && frac < kSideEdge && b0 > 0) bins[f][counts[f]++] = b0 - 1;
      else if (expand && frac > 1 - kSideEdge && b0 < 15) bins[f][counts[f]++] = b0 + 1;
    }
    for (int f = 0; f < 3; ++f) {
      uint8_t be = beta[perm[f]];
      int b0 = be >> 5, frac = be & 31;
      bins[3 + f][0] = b0;
      counts[3 + f] = 1;
      if (expand && frac < kAngleEdge) bins[3 + f][counts[3 + f]++] = (b0 + 7) & 7;
      else if (expand && frac >= 32 - kAngleEdge) bins[3 + f][counts[3 + f]++] = (b0 + 1) & 7;
    }
    for (int i0 = 0; i0 < counts[0]; ++i0)
      for (int i1 = 0; i1 < counts[1]; ++i1)
        for (int i2 = 0; i2 < counts[2]; ++i2) {
          int s1 = bins[0][i0], s2 = bins[1][i1], s3 = bins[2][i2];
          if (s1 < s2 || s2 < s3) continue;  // never enrolled: gallery sides are sorted
          uint32_t base = SideIndex(s1, s2, s3) * 512u;
          for (int a0 = 0; a0 < counts[3]; ++a0)
            for (int a1 = 0; a1 < counts[4]; ++a1)
              for (int a2 = 0; a2 < counts[5]; ++a2) {
                uint32_t angles = static_cast<uint32_t>(bins[3][a0] * 64 + bins[4][a1] * 8 + bins[5][a2]);
                out.push_back((base + angles) * 2u + hand);
              }
        }
    if (!expand) return;
  }
}

std::vector<uint32_t> AllKeys(const Template& t, int neighbours, bool expand) {
  std::vector<uint32_t> keys;
  for (const auto& view : t.views) {
    std::vector<Point> p;
    p.reserve(view.size());
    for (const Minutia& m : view) p.push_back({static_cast<float>(m.x), static_cast<float>(m.y), m.angle});
    for (const auto& tri : Triangles(p, neighbours)) TriangleKeys(p, tri, expand, keys);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace

std::vector<uint32_t> CandidateIndex::GalleryKeys(const Template& t) {
  return AllKeys(t, kGalleryNeighbours, false);
}

CandidateIndex::ProbeKeys CandidateIndex::Keys(const Template& probe) {
  return ProbeKeys{AllKeys(probe, kProbeNeighbours, true)};
}

void CandidateIndex::InsertKeys(Id id, const std::vector<uint32_t>& keys) {
  if (id < live_.size() && (live_[id] || entries_[id] > 0)) {
    Remove(id);
    Compact();  // the old entries must go before the id's new ones arrive
  }
  if (id >= live_.size()) {
    live_.resize(static_cast<size_t>(id) + 1, 0);
    entries_.resize(static_cast<size_t>(id) + 1, 0);
  }
  for (uint32_t key : keys) delta_[key].push_back(id);
  live_[id] = 1;
  entries_[id] = static_cast<uint16_t>(std::min<size_t>(keys.size(), UINT16_MAX));
  delta_entries_ += keys.size();
  ++live_count_;
  if (delta_entries_ > std::max<size_t>(1u << 18, postings_.size() / 8)) Compact();
}

bool CandidateIndex::Remove(Id id) {
  if (id >= live_.size() || !live_[id]) return false;
  live_[id] = 0;
  --live_count_;
  dead_entries_ += entries_[id];
  if (dead_entries_ > std::max<size_t>(1u << 18, postings_.size() / 4)) Compact();
  return true;
}

void CandidateIndex::Build(const std::vector<std::pair<Id, std::vector<uint32_t>>>& entries) {
  offsets_.assign(kBuckets + 1, 0);
  postings_.clear();
  delta_.clear();
  delta_entries_ = dead_entries_ = 0;
  live_.clear();
  entries_.clear();
  live_count_ = 0;
  Id max_id = 0;
  size_t total = 0;
  for (const auto& [id, keys] : entries) {
    max_id = std::max(max_id, id);
    total += keys.size();
    for (uint32_t key : keys) ++offsets_[key + 1];
  }
  live_.assign(entries.empty() ? 0 : static_cast<size_t>(max_id) + 1, 0);
  entries_.assign(live_.size(), 0);
  for (size_t b = 0; b < kBuckets; ++b) offsets_[b + 1] += offsets_[b];
  postings_.resize(total);
  std::vector<uint32_t> fill(offsets_.begin(), offsets_.end() - 1);
  for (const auto& [id, keys] : entries) {
    for (uint32_t key : keys) postings_[fill[key]++] = id;
    live_[id] = 1;
    entries_[id] = static_cast<uint16_t>(std::min<size_t>(keys.size(), UINT16_MAX));
    ++live_count_;
  }
}

void CandidateIndex::Compact() {
  std::vector<uint32_t> offsets(kBuckets + 1, 0);
  bool have_base = !offsets_.empty();
  for (uint32_t b = 0; b < kBuckets; ++b) {
    uint32_t n = 0;
    if (have_base)
      for (uint32_t i = offsets_[b]; i < offsets_[b + 1]; ++i) n += live_[postings_[i]];
    offsets[b + 1] = n;
  }
  for (const auto& [key, ids] : delta_)
    for (Id id : ids) offsets[key + 1] += live_[id];
  for (size_t b = 0; b < kBuckets; ++b) offsets[b + 1] += offsets[b];
  std::vector<Id> postings(offsets[kBuckets]);
  std::vector<uint32_t> fill(offsets.begin(), offsets.end() - 1);
  if (have_base)
    for (uint32_t b = 0; b < kBuckets; ++b)
      for (uint32_t i = offsets_[b]; i < offsets_[b + 1]; ++i)
        if (live_[postings_[i]]) postings[fill[b]++] = postings_[i];
  for (const auto& [key, ids] : delta_)
    for (Id id : ids)
      if (live_[id]) postings[fill[key]++] = id;
  for (size_t id = 0; id < live_.size(); ++id)
    if (!live_[id]) entries_[id] = 0;
  offsets_ = std::move(offsets);
  postings_ = std::move(postings);
  delta_.clear();
  delta_entries_ = dead_entries_ = 0;
}

std::vector<CandidateIndex::Candidate> CandidateIndex::Candidates(const ProbeKeys& probe, size_t k,
                                                                  size_t max_postings) const {
  // The rarest keys first (the most telling, the fewest chance hits), until the budget is spent.
  struct List {
    uint32_t length, key;
  };
  std::vector<List> lists;
  lists.reserve(probe.keys.size());
  for (uint32_t key : probe.keys) {
    uint32_t length = offsets_.empty() ? 0 : offsets_[key + 1] - offsets_[key];
    if (!delta_.empty())
      if (auto it = delta_.find(key); it != delta_.end()) length += static_cast<uint32_t>(it->second.size());
    if (length > 0) lists.push_back({length, key});
  }
  if (max_postings)
    std::sort(lists.begin(), lists.end(),
              [](const List& a, const List& b) { return a.length != b.length ? a.length < b.length : a.key < b.key; });
  // A rare key tells more than a common one (and collects fewer chance hits): its votes weigh 1 to 4,
  // one more for each factor 4 its list is shorter than 16× the mean list (most keys never occur,
  // so 16× the mean over all keys is about 4× the mean over the keys that do).
  const double mean = MeanListLength();

  std::vector<uint16_t> votes(live_.size(), 0);
  std::vector<Id> touched;
  uint16_t weight = 1;
  auto vote = [&](Id id) {
    if (!live_[id]) return;
    if (votes[id] == 0) touched.push_back(id);
    votes[id] = static_cast<uint16_t>(std::min<int>(UINT16_MAX, votes[id] + weight));
  };
  size_t read = 0;
  for (const List& list : lists) {
    if (max_postings && read > 0 && read + list.length > max_postings) break;
    read += list.length;
    double ratio = static_cast<double>(list.length) / mean;
    weight = ratio < 1 ? 4 : ratio < 4 ? 3 : ratio < 16 ? 2 : 1;
    if (!offsets_.empty())
      for (uint32_t i = offsets_[list.key]; i < offsets_[list.key + 1]; ++i) vote(postings_[i]);
    if (!delta_.empty())
      if (auto it = delta_.find(list.key); it != delta_.end())
        for (Id id : it->second) vote(id);
  }
  auto better = [&](Id a, Id b) { return votes[a] != votes[b] ? votes[a] > votes[b] : a < b; };
  size_t m = std::min(k, touched.size());
  std::partial_sort(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(m), touched.end(), better);
  std::vector<Candidate> out;
  out.reserve(m);
  for (size_t i = 0; i < m; ++i) out.push_back({touched[i], votes[touched[i]]});
  return out;
}

double CandidateIndex::MeanListLength() const {
  // Over every bucket, so that it does not depend on how entries are split between the array and
  // the delta (entries of removed ids count until the next Compact).
  return std::max(1.0, static_cast<double>(postings_.size() + delta_entries_) / kBuckets);
}

size_t CandidateIndex::MemoryBytes() const {
  size_t bytes = offsets_.capacity() * sizeof(uint32_t) + postings_.capacity() * sizeof(Id) +
                 live_.capacity() + entries_.capacity() * sizeof(uint16_t);
  // An unordered_map node: the pair, the next pointer, the cached hash; a bucket pointer each.
  bytes += delta_.size() * (sizeof(std::pair<const uint32_t, std::vector<Id>>) + 16) +
           delta_.bucket_count() * sizeof(void*);
  for (const auto& [key, ids] : delta_) bytes += ids.capacity() * sizeof(Id);
  return bytes;
}

}  // namespace dancu::identify
