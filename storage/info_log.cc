#include "storage/info_log.h"

#include <fcntl.h>
#include <rocksdb/env.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace dancu::storage {

namespace {

class InfoLog final : public rocksdb::Logger {
 public:
  InfoLog(int fd, uint64_t size) : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), fd_(fd), size_(size) {}
  ~InfoLog() override {
    if (fd_ >= 0) ::close(fd_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (fd_ < 0) return;
    char line[4096];
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    size_t n = std::strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &utc);
    const int body = std::vsnprintf(line + n, sizeof line - n - 1, format, ap);
    if (body < 0) return;
    n = std::min(sizeof line - 2, n + static_cast<size_t>(body));
    line[n++] = '\n';
    if (size_.fetch_add(n) + n > kInfoLogCapBytes) {
      if (::ftruncate(fd_, 0) == 0) size_ = n;
    }
    // A full or failing disk drops the line; the next one is tried afresh.
    if (::write(fd_, line, n) != static_cast<ssize_t>(n)) size_.fetch_sub(n);
  }
  // RocksDB's headers (its version, the directory listing and every option, ~100 KB at each open)
  // ignore the log level: left out.
  void LogHeader(const char*, va_list) override {}

 private:
  const int fd_;
  std::atomic<uint64_t> size_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> OpenInfoLog(const std::string& dir) {
  ::mkdir(dir.c_str(), 0755);  // the database may not exist yet; RocksDB creates the rest
  const int fd = ::open((dir + "/LOG").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  struct stat st {};
  const uint64_t size = fd >= 0 && ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  return std::make_shared<InfoLog>(fd, size);
}

}  // namespace dancu::storage
