#include "tests/devices/private_pcscd.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

namespace dancu::testing {

namespace {

constexpr char kPcscd[] = "/usr/sbin/pcscd";
constexpr char kVpcdDriver[] = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";

// A TCP port on loopback that nothing listens on now.
std::uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

int ListeningSocket(const std::filesystem::path& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  REQUIRE(path.string().size() < sizeof a.sun_path);
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(listen(fd, 16) == 0);
  return fd;
}

}  // namespace

PrivatePcscd::PrivatePcscd() {
  REQUIRE(access(kPcscd, X_OK) == 0);
  REQUIRE(access(kVpcdDriver, R_OK) == 0);
  char tmpl[] = "/tmp/dancu-pcscd-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  dir_ = tmpl;
  std::filesystem::create_directory(dir_ / "reader.conf.d");
  port_ = FreePort();
  reader_name_ = "dancu test reader 00 00";
  {
    std::ofstream conf(dir_ / "reader.conf.d" / "vpcd");
    conf << "FRIENDLYNAME \"dancu test reader\"\n"
         << "DEVICENAME /dev/null:" << port_ << "\n"
         << "LIBPATH " << kVpcdDriver << "\n"
         << "CHANNELID " << port_ << "\n";
  }
  const std::filesystem::path socket_path = dir_ / "pcscd.comm";
  int listener = ListeningSocket(socket_path);
  const std::string config = (dir_ / "reader.conf.d").string();
  const std::string log_path = log().string();

  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    dup2(listener, 3);  // SD_LISTEN_FDS_START; dup2 clears close-on-exec
    int out = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(out, 2);
    setenv("LISTEN_FDS", "1", 1);
    setenv("LISTEN_PID", std::to_string(getpid()).c_str(), 1);
    execl(kPcscd, kPcscd, "--foreground", "--config", config.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(listener);
  setenv("PCSCLITE_CSOCK_NAME", socket_path.c_str(), 1);
}

PrivatePcscd& PrivatePcscd::Shared() {
  static PrivatePcscd pcscd;
  return pcscd;
}

PrivatePcscd::~PrivatePcscd() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  unsetenv("PCSCLITE_CSOCK_NAME");
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace dancu::testing
