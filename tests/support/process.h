// Test support: run the real `dancu` binary as a child process, as a user would.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dancu::testing {

struct ProcessOptions {
  std::map<std::string, std::string> env;  // added to the test's environment
  std::string stdin_text;
  long file_size_limit = -1;  // RLIMIT_FSIZE in bytes (SIGXFSZ ignored): a disk that fills up
};

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out, err;
  long max_rss_kb = 0;  // the child's peak resident memory (getrusage's ru_maxrss)
};

// Runs DANCU_BINARY with `args` to completion.
ProcessResult RunDancu(const std::vector<std::string>& args, const ProcessOptions& options = {});

// A running `dancu` whose stdout is read line by line.
class DancuProcess {
 public:
  DancuProcess(const std::vector<std::string>& args, const ProcessOptions& options = {});
  ~DancuProcess();
  // Reads lines that arrive within `timeout_ms`, calling `on_line` for each; returns false at EOF.
  bool ReadLines(int timeout_ms, const std::function<void(const std::string&)>& on_line);
  void Kill();   // SIGKILL, then reap
  int Wait();    // exit code, or -1 if killed

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string pending_;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace dancu::testing
