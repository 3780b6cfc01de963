#include "replication/segment_cutter.h"

#include <algorithm>

#include <map>

namespace dancu::replication {

SegmentCutter::SegmentCutter(uint64_t origin, uint64_t after_seq, const CutOptions& options)
    : origin_(origin), next_seq_(after_seq + 1), options_(options) {}

Status SegmentCutter::Add(uint64_t seq, std::string_view entry, std::string_view checkpoint) {
  if (seq != next_seq_) {
    return Status::Corruption("log: " + EntryName(origin_, seq) + " where seq " + std::to_string(next_seq_) +
                              " was expected");
  }
  ++next_seq_;
  pending_.emplace_back(entry);
  pending_bytes_ += entry.size();
  if (pending_bytes_ > options_.max_bytes && closed_count_ > 0) {
    DANCU_RETURN_IF_ERROR(Cut(closed_count_, closed_checkpoint_));
  }
  if (pending_bytes_ > options_.max_bytes) {
    return Status::InvalidArgument("log: the batch up to " + EntryName(origin_, seq) +
                                   " takes more than the segment cap of " + std::to_string(options_.max_bytes) +
                                   " bytes");
  }
  if (!checkpoint.empty()) {
    closed_count_ = pending_.size();
    closed_bytes_ = pending_bytes_;
    closed_checkpoint_ = std::string(checkpoint);
    if (pending_bytes_ >= options_.target_bytes) return Cut(closed_count_, closed_checkpoint_);
  }
  return Status::Ok();
}

Status SegmentCutter::Finish() {
  if (closed_count_ == 0) return Status::Ok();
  return Cut(closed_count_, closed_checkpoint_);
}

Status SegmentCutter::Cut(size_t count, const std::string& checkpoint) {
  uint64_t first = next_seq_ - pending_.size();
  std::vector<std::string_view> entries(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(count));
  auto segment = MakeSegment(origin_, first, entries, checkpoint, /*proof=*/"", options_.zstd_level);
  if (!segment.ok()) return segment.status();
  segments_.push_back(std::move(segment.value()));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(count));
  pending_bytes_ -= closed_bytes_;
  closed_count_ = 0;
  closed_bytes_ = 0;
  closed_checkpoint_.clear();
  return Status::Ok();
}

namespace {
// Checkpoints read per segment asked for: a segment merges at most this many batches.
constexpr size_t kCheckpointsPerCall = 1024;
}  // namespace

Result<std::vector<SegmentData>> CutSegments(const storage::Store& store, uint64_t origin, uint64_t after_seq,
                                             size_t max_segments, const CutOptions& options) {
  // Checkpoints first: an Append between the two scans adds entries whose checkpoint we do not
  // hold, and those are left for the next call.
  // A bounded number of them: enough for max_segments segments of whole batches.
  const size_t max_checkpoints = std::max<size_t>(max_segments, 1) * kCheckpointsPerCall;
  std::map<uint64_t, std::string> checkpoints;
  DANCU_RETURN_IF_ERROR(store.ScanCheckpointsFrom(origin, after_seq + 1, [&](uint64_t, uint64_t seq, std::string_view bytes) {
    checkpoints.emplace(seq, bytes);
    return checkpoints.size() < max_checkpoints;
  }));
  if (checkpoints.empty() || max_segments == 0) return std::vector<SegmentData>();
  uint64_t last = checkpoints.rbegin()->first;

  SegmentCutter cutter(origin, after_seq, options);
  Status added;
  uint64_t seen = after_seq;
  DANCU_RETURN_IF_ERROR(store.ScanLogFrom(origin, after_seq + 1, [&](uint64_t, uint64_t seq, std::string_view bytes) {
    if (seq > last) return false;
    seen = seq;
    auto cp = checkpoints.find(seq);
    added = cutter.Add(seq, bytes, cp == checkpoints.end() ? std::string_view() : cp->second);
    return added.ok() && cutter.segments().size() < max_segments;
  }));
  DANCU_RETURN_IF_ERROR(added);
  if (cutter.segments().size() < max_segments) {
    if (seen != last) {
      return Status::Corruption("log ends at " + EntryName(origin, seen) + ", before its checkpoint at seq " +
                                std::to_string(last));
    }
    DANCU_RETURN_IF_ERROR(cutter.Finish());
  }
  std::vector<SegmentData> segments = std::move(cutter.segments());
  if (segments.size() > max_segments) segments.resize(max_segments);
  for (SegmentData& segment : segments) {
    auto proof = store.RunProof(origin, segment.first_seq, segment.last_seq);
    if (!proof.ok()) return proof.status();
    segment.proof = std::move(proof.value());
  }
  return segments;
}

}  // namespace dancu::replication
