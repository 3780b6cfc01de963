// Disk errors said plainly. A full disk (ENOSPC, EDQUOT, RocksDB's NoSpace) and any other failure
// of the disk (EIO, ...) become an IOError whose message names the file or directory, what was
// being written and how much the filesystem has free, and what to do; a full disk's message
// starts with kDiskFull, another failure's with kDiskFailed, so that callers can tell them apart.
//
// Pure functions over their arguments and statvfs(2); thread-safe. Nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace rocksdb {
class Status;
}

namespace dancu::storage {

inline constexpr std::string_view kDiskFull = "disk full";
inline constexpr std::string_view kDiskFailed = "the disk failed";

// The bytes the filesystem holding `path` (a file or directory; the nearest existing parent is
// asked) has free for an unprivileged writer, or nullopt if it cannot be asked.
std::optional<uint64_t> FreeBytes(const std::string& path);

// "512 bytes", "12.5 KiB", "3.0 MiB", ...
std::string HumanBytes(uint64_t bytes);

// Whether `status` says the disk is full (its message starts with kDiskFull).
bool IsDiskFull(const Status& status);
// Whether `status` says the disk failed otherwise (its message starts with kDiskFailed).
bool IsDiskFailed(const Status& status);

// The status for the errno `err` of `what` (e.g. "writing /srv/node/node.json.tmp") on the
// filesystem of `path`, `needed` bytes being written (0 if unknown).
Status FromErrno(int err, const std::string& what, const std::string& path, uint64_t needed = 0);

// The same for a RocksDB status of a write into the database at `dir`: Ok for ok, Corruption for
// corruption, otherwise an IOError as above.
Status FromRocksWrite(const rocksdb::Status& s, std::string_view what, const std::string& dir, uint64_t needed = 0);

}  // namespace dancu::storage
