// Names and key encodings of the store's column families and metadata keys. Shared by the store,
// the log verifier and the tests that tamper with a database on purpose.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dancu::storage::layout {

inline constexpr const char* kLogFamily = "log";
inline constexpr const char* kCheckpointFamily = "checkpoints";
inline constexpr const char* kRecordFamily = "records";
inline constexpr const char* kIndexFamily = "index";
inline constexpr const char* kBlobFamily = "blobs";
inline constexpr const char* kQuarantineFamily = "quarantine";
inline constexpr const char* kConflictFamily = "conflicts";
inline constexpr const char* kTreeFamily = "tree";

inline constexpr std::string_view kStateDigestKey = "state/digest";
inline constexpr std::string_view kClockKey = "state/hlc";
inline constexpr std::string_view kVersionPrefix = "vv/";
// Written without the write-ahead log before every durable write (Store::WriteDurably); its value
// means nothing.
inline constexpr std::string_view kUnloggedGuardKey = "wal/unlogged-guard";
inline constexpr std::string_view kFormatKey = "format";  // the log format (log_format.h), 8 bytes big-endian
inline constexpr std::string_view kCompromisedPrefix = "compromised/";  // + origin: equivocation seen
inline constexpr std::string_view kRecoveryTargetKey = "recovery/target";  // Store::RewindOwnLog
inline constexpr std::string_view kRecoveryEntryPrefix = "recovery/entry/";  // + seq: an entry set aside
// Per-unit counters (storage/unit_tally.h), kept in every change's batch: "tally/" + unit code.
// kTallyFormatKey holds the definition they were counted by; a store without it, or with an
// older one, recounts them when opened.
inline constexpr std::string_view kTallyPrefix = "tally/";
inline constexpr std::string_view kTallyFormatKey = "tallies/format";
inline constexpr uint64_t kTallyFormat = 1;
std::string TallyKey(std::string_view unit);
// The origins that changed the records homed in or under each unit (storage/unit_origins.h):
// kUnitOriginPrefix + unit code + "/" + origin (8 bytes big-endian) -> record count (8 bytes), kept in
// every change's batch; recounted on open like the counters when kUnitOriginFormatKey is stale.
inline constexpr std::string_view kUnitOriginPrefix = "unit-origins/";
inline constexpr std::string_view kUnitOriginFormatKey = "unit-origins-format";
inline constexpr uint64_t kUnitOriginFormat = 1;
std::string UnitOriginKey(std::string_view unit, uint64_t origin);
// The prefix of every row of `unit`.
std::string UnitOriginPrefix(std::string_view unit);
bool ParseUnitOriginKey(std::string_view key, std::string* unit, uint64_t* origin);
// Present once the index holds the duplicate blocks of every record (IndexKind::kPersonBlock):
// a store written before them indexes them when it first opens for writing.
inline constexpr std::string_view kPersonBlocksKey = "index/person-blocks";

// The tree family keeps the roots of an origin's perfect subtrees of 2^kStoredTreeLevel leaves and
// more; smaller ones are recomputed from the entries (at most 15 reads), which keeps a change's
// writes near one key (docs/log-format.md).
inline constexpr uint32_t kStoredTreeLevel = 4;
// origin(8) level(1) index(8): the perfect subtree over leaves [index << level, (index + 1) << level).
std::string TreeKey(uint64_t origin, uint32_t level, uint64_t index);

// origin and seq, 8 bytes each big-endian, so keys sort by (origin, seq).
std::string LogKey(uint64_t origin, uint64_t seq);
bool ParseLogKey(std::string_view key, uint64_t* origin, uint64_t* seq);

std::string EncodeU64(uint64_t v);  // 8 bytes big-endian
bool DecodeU64(std::string_view bytes, uint64_t* v);

}  // namespace dancu::storage::layout
