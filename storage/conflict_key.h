// Keys and rows of the conflicts column family: record id \0 conflict id, so a record's conflicts are
// found by prefix. A conflict's id depends only on what conflicts (the record, the field or kind,
// and the two changes, in either order), so every node that sees the same pair names it alike and
// an operator's decision can be referred to anywhere.
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/ingest.capnp.h"

namespace dancu::storage {

struct VersionRef {
  uint64_t origin = 0;
  uint64_t seq = 0;
};

// 16 hex digits: BLAKE2b over the record id, `what` (a field ordinal or a kind) and the two
// versions sorted.
std::string ConflictId(std::string_view record_id, uint32_t what, VersionRef a, VersionRef b);
std::string ConflictPrefix(std::string_view record_id);  // record id \0
std::string ConflictKey(std::string_view record_id, std::string_view conflict_id);

// The id of the duplicate case of `kind` (a citizen number claimed twice, a person registered
// twice) between records a and b, in either order: the same on every node.
std::string DuplicateCaseId(std::string_view a, std::string_view b, schema::ConflictKind kind);

// A conflict row (canonical Conflict bytes), open (resolvedBy unset), detected at `now_ms`.
std::string ConflictBytes(const std::string& id, const std::string& record_id, schema::ConflictKind kind,
                          uint16_t field, VersionRef kept, VersionRef other, const std::string& other_record,
                          bool review, uint64_t now_ms);

}  // namespace dancu::storage
