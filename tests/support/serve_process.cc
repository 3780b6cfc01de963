#include "tests/support/serve_process.h"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace dancu::testing {

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ServeProcess::ServeProcess(const std::string& data, const std::vector<std::string>& extra,
                           const std::map<std::string, std::string>& env) {
  char out_path[] = "/tmp/dancu-serve-out-XXXXXX", err_path[] = "/tmp/dancu-serve-err-XXXXXX";
  const int out_fd = ::mkstemp(out_path), err_fd = ::mkstemp(err_path);
  REQUIRE(out_fd >= 0);
  REQUIRE(err_fd >= 0);
  out_path_ = out_path;
  err_path_ = err_path;
  std::vector<std::string> args = {DANCU_BINARY, "serve", "--data", data, "--http", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::unsetenv("FP_VIRTUAL_IMAGE");
    ::unsetenv("FP_VIRTUAL_DEVICE");
    for (const auto& [key, value] : env) ::setenv(key.c_str(), value.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_fd);
  ::close(err_fd);
  const std::regex announced(R"(serving the web console on (https?)://([0-9.]+):([0-9]+))");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    const std::string out = Slurp(out_path_);
    if (std::regex_search(out, match, announced)) {
      scheme_ = match[1];
      host_ = match[2];
      port_ = std::stoi(match[3]);
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      FAIL("dancu serve exited early: " << output());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("dancu serve did not announce its address: " << output());
}

ServeProcess::~ServeProcess() {
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::unlink(out_path_.c_str());
  ::unlink(err_path_.c_str());
}

int ServeProcess::Stop() {
  if (reaped_) return -1;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  reaped_ = true;
  return -1;
}

std::string ServeProcess::output() const { return Slurp(out_path_) + Slurp(err_path_); }

}  // namespace dancu::testing
