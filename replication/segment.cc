#include "replication/segment.h"

#include <kj/exception.h>

#include "replication/entry_pack.h"
#include "storage/log_format.h"
#include "storage/store.h"
#include "storage/store_layout.h"

namespace dancu::replication {

namespace {

kj::ArrayPtr<const kj::byte> AsData(std::string_view bytes) {
  return {reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()};
}

// The checks of DecodeSegment on the header fields, before anything is decompressed.
Status CheckHeader(uint64_t origin, uint64_t first, uint64_t last, size_t max_bytes) {
  std::string where = "segment of " + EntryName(origin, first);
  if (first == 0) return Status::Corruption(where + ": seqs start at 1");
  if (last < first) return Status::Corruption(where + ": last seq " + std::to_string(last) + " is before the first");
  // Every packed entry takes at least 9 bytes (a length byte and one word): a count above this
  // cannot fit in max_bytes, whatever the frame says.
  uint64_t count = last - first + 1;
  if (count > max_bytes / 9) {
    return Status::Corruption(where + ": " + std::to_string(count) + " entries cannot fit in " +
                              std::to_string(max_bytes) + " bytes");
  }
  return Status::Ok();
}

Result<storage::Parsed<schema::Checkpoint>> ParseCheckpoint(std::string_view bytes, uint64_t origin,
                                                             uint64_t last) {
  auto checkpoint = storage::Parsed<schema::Checkpoint>::Parse(bytes, "segment checkpoint");
  if (!checkpoint.ok()) return checkpoint.status();
  auto cp = checkpoint->get();
  if (cp.getOrigin() != origin || cp.getSeq() != last) {
    return Status::Corruption("segment checkpoint covers " + EntryName(cp.getOrigin(), cp.getSeq()) +
                              ", not the segment's last entry " + EntryName(origin, last));
  }
  return checkpoint;
}

Result<DecodedEntry> ParseEntry(std::string_view bytes, uint64_t origin, uint64_t seq) {
  std::string what = "entry " + EntryName(origin, seq);
  auto entry = storage::Parsed<schema::LogEntry>::Parse(bytes, what);
  if (!entry.ok()) return entry.status();
  auto change = entry->get().getChange();
  if (change.getOrigin() != origin || change.getSeq() != seq) {
    return Status::Corruption(what + " holds the change of " + EntryName(change.getOrigin(), change.getSeq()));
  }
  return DecodedEntry{std::string(bytes), std::move(entry.value())};
}

}  // namespace

std::string EntryName(uint64_t origin, uint64_t seq) {
  return "origin " + storage::ToHex(storage::layout::EncodeU64(origin)) + " seq " + std::to_string(seq);
}

Result<SegmentData> MakeSegment(uint64_t origin, uint64_t first_seq,
                                const std::vector<std::string_view>& entries,
                                std::string_view checkpoint, std::string_view proof, int zstd_level) {
  if (entries.empty()) return Status::InvalidArgument("a segment needs at least one entry");
  std::string packed;
  for (std::string_view entry : entries) PackEntry(entry, packed);
  if (packed.size() > kMaxSegmentBytes) {
    return Status::InvalidArgument("segment of " + EntryName(origin, first_seq) + " packs to " +
                                   std::to_string(packed.size()) + " bytes, more than the cap of " +
                                   std::to_string(kMaxSegmentBytes));
  }
  auto frame = CompressFrame(packed, zstd_level);
  if (!frame.ok()) return frame.status();
  return SegmentData{origin, first_seq, first_seq + entries.size() - 1, std::move(frame.value()),
                     std::string(checkpoint), std::string(proof)};
}

void ToWire(const SegmentData& segment, wire::Segment::Builder out) {
  out.setOrigin(segment.origin);
  out.setFirstSeq(segment.first_seq);
  out.setLastSeq(segment.last_seq);
  out.setEntries(AsData(segment.entries));
  out.setCheckpoint(AsData(segment.checkpoint));
  out.setProof(AsData(segment.proof));
}

Result<DecodedSegment> DecodeSegment(wire::Segment::Reader segment, size_t max_bytes) {
  try {
    uint64_t origin = segment.getOrigin(), first = segment.getFirstSeq(), last = segment.getLastSeq();
    DANCU_RETURN_IF_ERROR(CheckHeader(origin, first, last, max_bytes));
    std::string checkpoint_bytes(storage::AsView(segment.getCheckpoint()));
    auto checkpoint = ParseCheckpoint(checkpoint_bytes, origin, last);
    if (!checkpoint.ok()) return checkpoint.status();

    std::string where = "segment of " + EntryName(origin, first);
    std::string proof(storage::AsView(segment.getProof()));
    auto hashes = storage::UnpackHashes(proof, storage::kMaxProofHashes, where + " proof");
    if (!hashes.ok()) return hashes.status();
    auto packed = DecompressFrame(storage::AsView(segment.getEntries()), max_bytes);
    if (!packed.ok()) return packed.status().WithContext(where);
    auto views = UnpackEntries(*packed, static_cast<size_t>(last - first + 1));
    if (!views.ok()) return views.status().WithContext(where);

    std::vector<DecodedEntry> entries;
    entries.reserve(views->size());
    for (size_t i = 0; i < views->size(); ++i) {
      auto entry = ParseEntry((*views)[i], origin, first + i);
      if (!entry.ok()) return entry.status();
      entries.push_back(std::move(entry.value()));
    }
    return DecodedSegment{origin, first, last, std::move(entries), std::move(checkpoint_bytes),
                          std::move(checkpoint.value()), std::move(proof)};
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("segment: ") + e.getDescription().cStr());
  }
}

Result<storage::Hash256> VerifySegment(const DecodedSegment& segment, const storage::PublicKey& origin_key) {
  if (storage::NodeIdFromKey(origin_key) != segment.origin) {
    return Status::InvalidArgument("the key given for " + EntryName(segment.origin, segment.first_seq) +
                                   " is another node's");
  }
  storage::IncomingRun run;
  run.origin = segment.origin;
  run.first_seq = segment.first_seq;
  for (const DecodedEntry& entry : segment.entries) run.entries.push_back(entry.bytes);
  run.checkpoint = segment.checkpoint_bytes;
  run.proof = segment.proof;
  storage::OriginTrust trust;
  trust.key = origin_key;
  return storage::VerifyRunProof(run, trust);
}

}  // namespace dancu::replication
