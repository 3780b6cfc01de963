#include "node/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/disk_errors.h"

namespace dancu::node {

namespace {

// Writes and fsyncs `bytes` to a new `tmp`; removes it again on failure.
Status WriteTemp(const std::string& tmp, const std::string& bytes, mode_t mode) {
  ::unlink(tmp.c_str());  // left by a crash: never visible under the real name
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return storage::FromErrno(errno, "creating " + tmp, tmp, bytes.size());
  size_t done = 0;
  int err = 0;
  while (done < bytes.size() && err == 0) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) err = n < 0 ? errno : ENOSPC;
    else done += static_cast<size_t>(n);
  }
  const char* step = "writing ";
  if (err == 0 && ::fsync(fd) != 0) {
    err = errno;
    step = "syncing ";
  }
  if (::close(fd) != 0 && err == 0) {
    err = errno;
    step = "closing ";
  }
  if (err == 0) return Status::Ok();
  ::unlink(tmp.c_str());
  return storage::FromErrno(err, step + tmp, tmp, bytes.size());
}

// Makes a rename or link in `path`'s directory durable.
Status SyncParent(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return storage::FromErrno(errno, "opening directory " + dir, dir);
  const int synced = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  if (synced != 0) return storage::FromErrno(synced, "syncing directory " + dir, dir);
  return Status::Ok();
}

}  // namespace

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read " + path);
  return bytes.str();
}

Status WriteFileAtomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  DANCU_RETURN_IF_ERROR(WriteTemp(tmp, bytes, 0644));
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return storage::FromErrno(err, "renaming " + tmp + " to " + path, path);
  }
  return SyncParent(path);
}

Status CreateFileAtomically(const std::string& path, const std::string& bytes, mode_t mode) {
  if (::access(path.c_str(), F_OK) == 0) return Status::AlreadyExists(path + " exists already");
  const std::string tmp = path + ".tmp";
  DANCU_RETURN_IF_ERROR(WriteTemp(tmp, bytes, mode));
  const int linked = ::link(tmp.c_str(), path.c_str()) == 0 ? 0 : errno;  // never replaces `path`
  ::unlink(tmp.c_str());
  if (linked == EEXIST) return Status::AlreadyExists(path + " exists already");
  if (linked != 0) return storage::FromErrno(linked, "creating " + path, path);
  return SyncParent(path);
}

}  // namespace dancu::node
