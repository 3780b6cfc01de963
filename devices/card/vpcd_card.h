// VpcdCard: puts a SoftwareCard into the virtual reader of pcscd's vpcd driver
// (vsmartcard-vpcd), so that it is read through the real PC/SC stack like a card in a USB reader.
//
// vpcd listens on a TCP port (35963 by default; the DEVICENAME line of its reader.conf.d entry,
// e.g. "/dev/null:0x8C7B") and the card connects to it. Each message either way is a 2-byte
// big-endian length and its bytes; a 1-byte message from vpcd is a control: 0 power off, 1 power
// on, 2 reset, 4 "send the ATR"; anything longer is a command APDU, answered by the response APDU.
//
// The card is served on its own thread. Destroying the VpcdCard closes the connection, which
// vpcd reports to pcscd as the card leaving the reader. The SoftwareCard must outlive it and must
// not be used by anyone else meanwhile.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "devices/card/software_card.h"

namespace dancu::devices::card {

class VpcdCard {
 public:
  // Connects to vpcd at `host`:`port`, retrying for up to `wait` while pcscd starts the driver.
  // With `remove_after`, the card leaves the reader (the connection closes) after answering
  // that many command APDUs. kNoCardReader if vpcd cannot be reached in time.
  static Result<std::unique_ptr<VpcdCard>> Insert(
      SoftwareCard& card, const std::string& host, std::uint16_t port,
      std::optional<int> remove_after = std::nullopt,
      std::chrono::milliseconds wait = std::chrono::seconds(10));

  ~VpcdCard();  // removes the card and joins the thread
  VpcdCard(const VpcdCard&) = delete;
  VpcdCard& operator=(const VpcdCard&) = delete;

  // Command APDUs answered so far.
  int answered() const { return answered_; }

 private:
  VpcdCard(SoftwareCard& card, int socket, std::optional<int> remove_after);
  void Serve();

  SoftwareCard& card_;
  int socket_;
  std::optional<int> remaining_;
  std::atomic<int> answered_{0};
  std::thread thread_;
};

}  // namespace dancu::devices::card
