// Cutting an origin's log into segments that end at its signed checkpoints.
//
// The store writes one checkpoint per Append batch, so a segment covers one batch or several
// consecutive ones: batches are merged until the segment's entries reach `target_bytes`, and a
// segment never packs to more than `max_bytes` (a single batch that does is an error: receivers
// would refuse it). Entries after the last checkpoint are never cut (a batch is visible whole or
// not at all only if checkpoints are read first; CutSegments does).
//
// SegmentCutter is a plain object for one thread. CutSegments reads a Store (thread-safe) and
// returns value types. Errors: Corruption when the log is not contiguous or a checkpoint is
// missing where the store must have one, InvalidArgument for a batch larger than max_bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "replication/segment.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::replication {

struct CutOptions {
  size_t target_bytes = 256u << 10;  // merge batches until the entries reach this many bytes
  size_t max_bytes = kMaxSegmentBytes;
  int zstd_level = kDefaultZstdLevel;
};

class SegmentCutter {
 public:
  // Cuts the log of `origin` from seq after_seq + 1 on.
  SegmentCutter(uint64_t origin, uint64_t after_seq, const CutOptions& options);

  // Adds entry `seq` (the one after the previous), with the canonical Checkpoint that covers it
  // if there is one (empty otherwise). May complete segments.
  Status Add(uint64_t seq, std::string_view entry, std::string_view checkpoint);

  // Cuts the pending entries up to the last checkpoint seen; later ones stay unsent.
  Status Finish();

  // The segments cut so far, in order; the caller may move them out.
  std::vector<SegmentData>& segments() { return segments_; }

 private:
  // Cuts the first `count` pending entries, closed by `checkpoint`.
  Status Cut(size_t count, const std::string& checkpoint);

  uint64_t origin_;
  uint64_t next_seq_;
  CutOptions options_;
  std::vector<std::string> pending_;  // entries next_seq_ - pending_.size() ... next_seq_ - 1
  size_t pending_bytes_ = 0;
  size_t closed_count_ = 0;           // pending entries up to and including the last checkpoint
  size_t closed_bytes_ = 0;
  std::string closed_checkpoint_;
  std::vector<SegmentData> segments_;
};

// Up to `max_segments` segments of `origin`'s log in `store`, from seq after_seq + 1 on, each with
// its inclusion proof (SegmentCutter leaves the proof empty: it needs the store's tree).
// Reads the origin's log from after_seq + 1 on; a segment merges at most 1,024 batches.
Result<std::vector<SegmentData>> CutSegments(const storage::Store& store, uint64_t origin, uint64_t after_seq,
                                             size_t max_segments, const CutOptions& options = {});

}  // namespace dancu::replication
