#include "tests/support/process.h"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

namespace dancu::testing {

namespace {

// Forks and execs DANCU_BINARY; the child's stdin reads `stdin_fd`, stdout/stderr go to the fds.
pid_t Spawn(const std::vector<std::string>& args, const ProcessOptions& options, int in_fd, int out_fd,
            int err_fd) {
  std::vector<std::string> argv_storage = {DANCU_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    for (const auto& [k, v] : options.env) ::setenv(k.c_str(), v.c_str(), 1);
    if (options.file_size_limit >= 0) {
      ::signal(SIGXFSZ, SIG_IGN);
      rlimit limit{static_cast<rlim_t>(options.file_size_limit), static_cast<rlim_t>(options.file_size_limit)};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

int StdinFrom(const std::string& text) {
  char path[] = "/tmp/dancu-stdin-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::unlink(path);
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::lseek(fd, 0, SEEK_SET);
  return fd;
}

}  // namespace

ProcessResult RunDancu(const std::vector<std::string>& args, const ProcessOptions& options) {
  // Output goes to unlinked temp files: no pipe can fill up and stall the child.
  char out_path[] = "/tmp/dancu-out-XXXXXX", err_path[] = "/tmp/dancu-err-XXXXXX";
  int out_fd = ::mkstemp(out_path), err_fd = ::mkstemp(err_path);
  REQUIRE(out_fd >= 0);
  REQUIRE(err_fd >= 0);
  ::unlink(out_path);
  ::unlink(err_path);
  int in_fd = StdinFrom(options.stdin_text);
  pid_t pid = Spawn(args, options, in_fd, out_fd, err_fd);
  int status = 0;
  rusage usage{};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  ProcessResult result;
  result.max_rss_kb = usage.ru_maxrss;
  ::lseek(out_fd, 0, SEEK_SET);
  ::lseek(err_fd, 0, SEEK_SET);
  result.out = ReadAll(out_fd);
  result.err = ReadAll(err_fd);
  ::close(in_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

DancuProcess::DancuProcess(const std::vector<std::string>& args, const ProcessOptions& options) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  int in_fd = StdinFrom(options.stdin_text);
  int null_fd = ::open("/dev/null", O_WRONLY);
  pid_ = Spawn(args, options, in_fd, pipe_fds[1], null_fd);
  ::close(pipe_fds[1]);
  ::close(in_fd);
  ::close(null_fd);
  out_fd_ = pipe_fds[0];
}

DancuProcess::~DancuProcess() {
  if (!reaped_) Kill();
  if (out_fd_ >= 0) ::close(out_fd_);
}

bool DancuProcess::ReadLines(int timeout_ms, const std::function<void(const std::string&)>& on_line) {
  pollfd pfd{out_fd_, POLLIN, 0};
  if (::poll(&pfd, 1, timeout_ms) <= 0) return true;
  char buf[65536];
  ssize_t n = ::read(out_fd_, buf, sizeof buf);
  if (n <= 0) return false;
  pending_.append(buf, static_cast<size_t>(n));
  size_t newline;
  while ((newline = pending_.find('\n')) != std::string::npos) {
    on_line(pending_.substr(0, newline));
    pending_.erase(0, newline + 1);
  }
  return true;
}

void DancuProcess::Kill() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  Wait();
}

int DancuProcess::Wait() {
  if (!reaped_) {
    ::waitpid(pid_, &status_, 0);
    reaped_ = true;
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

}  // namespace dancu::testing
