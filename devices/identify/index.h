// CandidateIndex: shortlists the templates most likely to match a probe without comparing it to
// every one, by minutia-triplet geometric hashing (after Germain, Califano & Colville 1997 and
// Bhanu & Tan 2003).
//
// Every template contributes the triangles formed by each minutia and pairs of its
// kGalleryNeighbours nearest neighbours (sides 8–160 px). A triangle's key is invariant to
// rotation and translation: its three side lengths, sorted and quantised in 10 px bins; the
// direction of each vertex's minutia relative to the direction to the triangle's centroid, in 8
// bins of 45°; and its handedness. Keys are dense integers below kBuckets. A probe queries its
// triangles over a wider neighbourhood (kProbeNeighbours, surviving lost and spurious minutiae),
// and, for every feature near a bin edge, the neighbouring bin too (and both vertex orders when
// two sides are nearly equal), so small distortions still land on the enrolled key. A template's
// votes are the probe keys found in its posting lists, each weighted 1–4 by how rare the key is
// (a short list against the mean: like IDF weighting in text search); Candidates returns the k
// with most votes.
//
// Storage: a compressed posting array (offsets per key + template ids) built in bulk, plus a
// delta map for templates inserted since; removed ids are skipped at query time. When the delta
// or the removed entries grow past a share of the array, the array is rebuilt (Compact).
//
// Limits: 32-bit offsets and ids, so one index (one shard) holds at most ~20 million fingers.
// Compact briefly holds the old and the new array (twice the index's memory).
//
// Ownership: the index keeps only ids and keys, never templates.
// Thread-safety: const methods may run concurrently; Insert, Remove, Build and Compact need
// exclusive access (the Identifier holds a shared_mutex per shard).
// Errors: none: Insert of an id already present replaces it; Remove of an absent id is false.
// Memory: kBuckets·4 bytes (3.3 MB) + 4 bytes per (template, distinct key): ~180 keys for a
// 46-minutia template, so ~0.72 KB per template: 32 MB for 40,000 fingers, ~720 MB per million
// (measured by dancu-bench-identify).
// Cost: GalleryKeys ~0.05 ms per template; Insert adds amortised rebuilds. Candidates reads the
// posting lists of a probe's ~6,000 keys (with the neighbouring bins), so it grows linearly with
// the gallery but with a small constant: ~2.5 ms per probe finger at 40,000 fingers, ~12 ms at
// 200,000, one thread.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "devices/identify/template.h"

namespace dancu::identify {

class CandidateIndex {
 public:
  using Id = uint32_t;  // dense, caller-chosen (e.g. a slot number); memory grows with the largest
  struct Candidate {
    Id id;
    uint32_t votes;
  };
  // A probe's keys: computed once, queried in any number of indexes (shards).
  struct ProbeKeys {
    std::vector<uint32_t> keys;  // ascending, distinct
  };

  static constexpr uint32_t kBuckets = 816u * 512u * 2u;

  static std::vector<uint32_t> GalleryKeys(const Template& t);  // ascending, distinct
  static ProbeKeys Keys(const Template& probe);

  void Insert(Id id, const Template& t) { InsertKeys(id, GalleryKeys(t)); }
  void InsertKeys(Id id, const std::vector<uint32_t>& keys);
  bool Remove(Id id);
  // Replaces the whole content by `entries` (each id once): one pass, no delta.
  void Build(const std::vector<std::pair<Id, std::vector<uint32_t>>>& entries);
  void Compact();

  // The k live ids with most votes (ties: smaller id first); ids with no vote are never returned.
  // Posting lists are read shortest first, and reading stops before the total would pass
  // `max_postings` (0: read all), which bounds the cost of a search whatever the gallery size.
  std::vector<Candidate> Candidates(const ProbeKeys& probe, size_t k, size_t max_postings = 0) const;
  std::vector<Candidate> Candidates(const Template& probe, size_t k, size_t max_postings = 0) const {
    return Candidates(Keys(probe), k, max_postings);
  }

  size_t size() const { return live_count_; }
  size_t MemoryBytes() const;  // estimated from the structures' sizes

 private:
  std::vector<uint32_t> offsets_;   // kBuckets + 1, or empty before the first Build/Compact
  std::vector<Id> postings_;
  std::unordered_map<uint32_t, std::vector<Id>> delta_;
  size_t delta_entries_ = 0;
  size_t dead_entries_ = 0;          // entries of removed ids still in postings_/delta_
  std::vector<uint8_t> live_;        // by id
  std::vector<uint16_t> entries_;    // by id: keys it has (live or dead) in the structures
  size_t live_count_ = 0;

  double MeanListLength() const;
};

}  // namespace dancu::identify
