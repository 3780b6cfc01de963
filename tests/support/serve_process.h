// Test support: a running `dancu serve --http 127.0.0.1:0` on a node, its URL read from the line
// it prints, stopped with SIGTERM as an operator would.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace dancu::testing {

class ServeProcess {
 public:
  // Starts `dancu serve --data DATA --http 127.0.0.1:0 EXTRA...` with `env` added to the
  // environment (no fingerprint reader unless `env` names one) and waits (REQUIREs, up to 30 s)
  // for it to announce its address.
  ServeProcess(const std::string& data, const std::vector<std::string>& extra = {},
               const std::map<std::string, std::string>& env = {});
  ~ServeProcess();  // SIGKILL if still running
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // "http://127.0.0.1:PORT", or https:// when it serves TLS (--tls-cert in `extra`).
  std::string url() const { return scheme_ + "://" + host_ + ":" + std::to_string(port_); }

  // SIGTERM, then waits up to 20 s; the exit code (-1 if it had to be killed).
  int Stop();
  // What the process wrote on stdout and stderr so far (after Stop: all of it).
  std::string output() const;

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string out_path_, err_path_;
  std::string scheme_;
  std::string host_;
  int port_ = 0;
  bool reaped_ = false;
};

}  // namespace dancu::testing
