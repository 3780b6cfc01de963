// Segments: how a run of one origin's change log travels between nodes.
//
// A segment holds the canonical LogEntry bytes of seqs first..last of one origin, packed
// (replication/entry_pack.h) and compressed as one zstd frame, the origin's signed Checkpoint (tree
// head) of its tree of `last` entries, and the entries' inclusion multi-proof in that tree. A
// segment always ends at a checkpoint, so the receiver authenticates every byte of it alone, with
// the proof and one Ed25519 signature (VerifySegment), whatever it holds of the origin.
//
// DecodeSegment is the trust boundary for a received segment: it caps the decompressed size
// (before allocating), requires canonical bytes everywhere, lengths that add up exactly, and entries
// that name the segment's origin with seqs first, first+1, ..., last. It does not authenticate:
// VerifySegment does, given the receiver's head of that origin and the origin's key. Certificates,
// revocation and authority are the ingest layer's.
//
// Value types; pure functions, thread-safe. Errors: InvalidArgument when asked to build a segment
// that receivers would refuse; Corruption naming the defect of received bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "replication/wire.capnp.h"
#include "replication/zstd_frame.h"
#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/crypto.h"
#include "storage/status.h"

namespace dancu::replication {

// The most bytes a segment's packed entries may take, decompressed. Receivers refuse more.
inline constexpr size_t kMaxSegmentBytes = 16u << 20;

// "origin 0011223344556677 seq 5": how errors name an entry.
std::string EntryName(uint64_t origin, uint64_t seq);

// Which entries a segment holds: seqs first_seq..last_seq of origin.
struct SegmentSpan {
  uint64_t origin = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  friend bool operator==(const SegmentSpan&, const SegmentSpan&) = default;
};

// A segment as it travels (the fields of wire::Segment).
struct SegmentData {
  uint64_t origin = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  std::string entries;     // the zstd frame
  std::string checkpoint;  // canonical Checkpoint bytes
  std::string proof;       // storage::PackHashes bytes

  SegmentSpan span() const { return {origin, first_seq, last_seq}; }
};

// Builds the segment of `entries`, the canonical LogEntry bytes of seqs first_seq, first_seq + 1,
// ... of `origin`, closed by `checkpoint` (the tree head of the last of them) and `proof` (their
// inclusion proof in that tree, storage::Store::RunProof).
// InvalidArgument if `entries` is empty or packs to more than kMaxSegmentBytes.
Result<SegmentData> MakeSegment(uint64_t origin, uint64_t first_seq,
                                const std::vector<std::string_view>& entries,
                                std::string_view checkpoint, std::string_view proof,
                                int zstd_level = kDefaultZstdLevel);

void ToWire(const SegmentData& segment, wire::Segment::Builder out);

struct DecodedEntry {
  std::string bytes;  // canonical, as the origin hashed them
  storage::Parsed<schema::LogEntry> entry;
};

struct DecodedSegment {
  uint64_t origin = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  std::vector<DecodedEntry> entries;  // entries[i] is seq first_seq + i
  std::string checkpoint_bytes;
  storage::Parsed<schema::Checkpoint> checkpoint;
  std::string proof;
};

// Decodes a received segment within `max_bytes` of decompressed entries. See the file comment.
Result<DecodedSegment> DecodeSegment(wire::Segment::Reader segment, size_t max_bytes = kMaxSegmentBytes);

// Authenticates a decoded segment alone with storage::VerifyRunProof (the first check ingest
// makes): the entries' leaf hashes and the proof give the root the checkpoint signs, and the
// signature verifies with `origin_key`. Returns that root; InvalidArgument if `origin_key` is not
// the origin's, Corruption naming the defect.
Result<storage::Hash256> VerifySegment(const DecodedSegment& segment, const storage::PublicKey& origin_key);

}  // namespace dancu::replication
