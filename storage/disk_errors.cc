#include "storage/disk_errors.h"

#include <rocksdb/status.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace dancu::storage {

std::optional<uint64_t> FreeBytes(const std::string& path) {
  std::filesystem::path at(path.empty() ? "." : path);
  std::error_code ec;
  while (!std::filesystem::exists(at, ec) && at.has_parent_path() && at.parent_path() != at) at = at.parent_path();
  struct statvfs fs {};
  if (::statvfs(at.c_str(), &fs) != 0) return std::nullopt;
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

std::string HumanBytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

bool IsDiskFull(const Status& status) { return status.message().rfind(kDiskFull, 0) == 0; }

bool IsDiskFailed(const Status& status) { return status.message().rfind(kDiskFailed, 0) == 0; }

namespace {

Status Describe(bool full, const std::string& what, const std::string& why, const std::string& path,
                uint64_t needed) {
  const auto free = FreeBytes(path);
  std::string space = free ? HumanBytes(*free) + " free" : "free space unknown";
  if (needed > 0) space += ", " + HumanBytes(needed) + " to write";
  if (full) {
    return Status::IOError(std::string(kDiskFull) + " " + what + ": " + why + " (" + space + " on the filesystem of " +
                           path + "). Nothing of it was kept; free space there and retry");
  }
  return Status::IOError(std::string(kDiskFailed) + " " + what + ": " + why + " (" + space + " on the filesystem of " + path +
                         "). Nothing of it was kept; check the disk (dmesg) and retry");
}

}  // namespace

Status FromErrno(int err, const std::string& what, const std::string& path, uint64_t needed) {
  return Describe(err == ENOSPC || err == EDQUOT, what, std::strerror(err), path, needed);
}

Status FromRocksWrite(const rocksdb::Status& s, std::string_view what, const std::string& dir, uint64_t needed) {
  if (s.ok()) return Status::Ok();
  if (s.IsCorruption()) return Status::Corruption(std::string(what) + ": " + s.ToString());
  const std::string why = s.ToString();
  const bool full = s.IsNoSpace() || why.find(std::strerror(ENOSPC)) != std::string::npos ||
                    why.find(std::strerror(EDQUOT)) != std::string::npos;
  return Describe(full, std::string(what), why, dir, needed);
}

}  // namespace dancu::storage
