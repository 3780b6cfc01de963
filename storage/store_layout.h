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

inline constexpr std::string_view kStateDigestKey = "state/digest";
inline constexpr std::string_view kClockKey = "state/hlc";
inline constexpr std::string_view kVersionPrefix = "vv/";

// origin and seq, 8 bytes each big-endian, so keys sort by (origin, seq).
std::string LogKey(uint64_t origin, uint64_t seq);
bool ParseLogKey(std::string_view key, uint64_t* origin, uint64_t* seq);

std::string EncodeU64(uint64_t v);  // 8 bytes big-endian
bool DecodeU64(std::string_view bytes, uint64_t* v);

}  // namespace dancu::storage::layout
