// PrivatePcscd: a pcscd of the test's own, with only the vpcd virtual reader, on a socket in a
// temporary directory — no system service needed, nothing shared with one that runs.
//
// pcscd 1.9 binds its socket at a fixed path, but takes a listening socket from systemd's socket
// activation protocol (LISTEN_FDS=1, LISTEN_PID, the socket at fd 3): we create the socket
// ourselves and hand it over. The client side (libpcsclite) finds it through
// $PCSCLITE_CSOCK_NAME, which Start sets in this process. pcscd's --config directory holds one
// reader.conf entry for vpcd on a free loopback port.
//
// Needs /usr/sbin/pcscd and /usr/lib/pcsc/drivers/serial/libifdvpcd.so (Debian: pcscd,
// vsmartcard-vpcd). The destructor stops pcscd and removes the directory. At most one per test
// process: libpcsclite reads $PCSCLITE_CSOCK_NAME once, at its first call (use Shared()).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace dancu::testing {

class PrivatePcscd {
 public:
  // Starts pcscd; REQUIREs (Catch2) that it came up.
  PrivatePcscd();
  ~PrivatePcscd();
  PrivatePcscd(const PrivatePcscd&) = delete;
  PrivatePcscd& operator=(const PrivatePcscd&) = delete;

  // The process's one instance, started at the first call and stopped at exit.
  static PrivatePcscd& Shared();

  std::uint16_t vpcd_port() const { return port_; }
  // The names pcsc-lite gives vpcd's two slots; the card goes in the first (vpcd_port), the
  // second (vpcd_port + 1) stays empty.
  const std::string& reader_name() const { return reader_name_; }
  std::string empty_reader_name() const { return "dancu test reader 00 01"; }
  std::filesystem::path log() const { return dir_ / "pcscd.log"; }

 private:
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  std::string reader_name_;
  pid_t pid_ = -1;
};

}  // namespace dancu::testing
