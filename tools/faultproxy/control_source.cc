#include "tools/faultproxy/control_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace dancu::faultproxy {

ControlSource::ControlSource(int fd, std::string name, bool owned, bool regular_file)
    : fd_(fd), name_(std::move(name)), owned_(owned), regular_file_(regular_file) {}

ControlSource::ControlSource(ControlSource&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      name_(std::move(other.name_)),
      owned_(other.owned_),
      regular_file_(other.regular_file_),
      pending_(std::move(other.pending_)) {}

ControlSource& ControlSource::operator=(ControlSource&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
    name_ = std::move(other.name_);
    owned_ = other.owned_;
    regular_file_ = other.regular_file_;
    pending_ = std::move(other.pending_);
  }
  return *this;
}

ControlSource::~ControlSource() { Close(); }

void ControlSource::Close() {
  if (fd_ >= 0 && owned_) ::close(fd_);
  fd_ = -1;
}

ControlSource ControlSource::Stdin() { return ControlSource(0, "stdin", false, false); }

Result<ControlSource> ControlSource::OpenPath(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) < 0) {
    if (errno != ENOENT) return Status::IOError("control " + path + ": " + std::strerror(errno));
    if (::mkfifo(path.c_str(), 0600) < 0 && errno != EEXIST) {
      return Status::IOError("mkfifo " + path + ": " + std::strerror(errno));
    }
    if (::stat(path.c_str(), &info) < 0) return Status::IOError("control " + path + ": " + std::strerror(errno));
  }
  const bool fifo = S_ISFIFO(info.st_mode);
  if (!fifo && !S_ISREG(info.st_mode)) {
    return Status::InvalidArgument("control " + path + ": neither a FIFO nor a regular file");
  }
  // Read-write on a FIFO keeps a writer open ourselves: no end of file when `echo` finishes.
  const int fd = ::open(path.c_str(), (fifo ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
  return ControlSource(fd, path, true, !fifo);
}

std::vector<std::string> ControlSource::ReadLines() {
  std::vector<std::string> lines;
  if (!open()) return lines;
  char buffer[4096];
  bool eof = false;
  // stdin and FIFOs: one read per readiness report. Regular files: until their current end.
  do {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
    if (n <= 0) {
      eof = true;
      break;
    }
    pending_.append(buffer, static_cast<size_t>(n));
  } while (regular_file_);
  size_t newline;
  while ((newline = pending_.find('\n')) != std::string::npos) {
    lines.push_back(pending_.substr(0, newline));
    pending_.erase(0, newline + 1);
  }
  if (eof && !regular_file_) {
    if (!pending_.empty()) lines.push_back(std::exchange(pending_, {}));
    Close();
  }
  return lines;
}

}  // namespace dancu::faultproxy
