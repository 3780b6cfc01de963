// PcscReader: the smart-card readers of this machine through pcsc-lite (the pcscd daemon; USB
// readers through libccid, the virtual reader through vsmartcard-vpcd).
//
// Blocking with timeouts, and cancellable: Connect waits for a card on the caller's thread for
// at most its timeout; Cancel, from any other thread, ends that wait at once (SCardCancel) and
// makes every later Transmit of the channels this reader opened fail with kCancelled, so a read
// in progress stops at its next APDU. pcsc-lite allows SCardCancel on a context another thread
// is blocked in; no other method may be called concurrently with Connect or Transmit.
//
// The daemon's socket is pcsc-lite's default, or $PCSCLITE_CSOCK_NAME (how the tests reach a
// private pcscd).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "devices/card/card_channel.h"
#include "devices/card/card_read_worker.h"

namespace dancu::devices::card {

inline constexpr std::chrono::milliseconds kDefaultCardWait{15'000};

class PcscReader : public CardSource {
 public:
  // Connects to pcscd. kUnavailable if the daemon is not running.
  static Result<std::unique_ptr<PcscReader>> Open();
  ~PcscReader() override;
  PcscReader(const PcscReader&) = delete;
  PcscReader& operator=(const PcscReader&) = delete;

  // The readers connected now; kNoCardReader if there are none.
  Result<std::vector<std::string>> Readers();

  // Waits up to `timeout` for a card in `reader` (empty: in any reader) and connects to it,
  // exclusively. Errors: kNoCardReader (no reader, or none named `reader`), kNoCard (the timeout
  // passed without a card), kUnsupportedCard (the card does not answer), kCancelled.
  // The channel must not outlive this reader.
  Result<std::unique_ptr<CardChannel>> Connect(const std::string& reader,
                                               std::chrono::milliseconds timeout = kDefaultCardWait) override;

  // Thread-safe; see above. Irreversible for this reader.
  void Cancel() override;

 private:
  class Channel;
  explicit PcscReader(long context) : context_(context) {}
  long context_;  // SCARDCONTEXT
  std::atomic<bool> cancelled_{false};
};

// A new PcscReader for each read of a CardReadWorker.
CardSourceFactory PcscSources();

}  // namespace dancu::devices::card
