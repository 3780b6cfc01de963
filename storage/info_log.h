// RocksDB's info log ("LOG" in the database directory) written so that a full or failing disk
// cannot stop the node: each line is one write(2) whose failure drops that line and nothing else.
// RocksDB 7.8's own log writer remembers a failed write and asserts on the next line
// (`sync_without_flush_called_`), aborting the process as soon as the disk fills.
//
// One file, capped: past kInfoLogCapBytes it starts again from empty, so it never grows without
// bound and no LOG.old files accumulate. A directory where it cannot be created (read-only) gets
// no log. Thread-safe (lines are appended with O_APPEND). Nothing throws, nothing fails.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace rocksdb {
class Logger;
}

namespace dancu::storage {

inline constexpr uint64_t kInfoLogCapBytes = 1u << 20;

// The info log for the database at `dir` (warnings and errors only, with their time, without
// RocksDB's headers).
std::shared_ptr<rocksdb::Logger> OpenInfoLog(const std::string& dir);

}  // namespace dancu::storage
