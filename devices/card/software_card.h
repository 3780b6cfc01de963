// SoftwareCard: an ICAO 9303 chip in software — the eMRTD application with BAC, secure messaging
// and the files of a CardContent — answering APDUs as a CCCD does. It stands in for a card in the
// tests (through SoftwareCardChannel, in process) and behind the real pcscd (through the vpcd
// connector, vpcd_card.h).
//
// What it answers: SELECT of the eMRTD application by AID; GET CHALLENGE; EXTERNAL AUTHENTICATE
// (BAC: 6300 for wrong keys); then, only under secure messaging, SELECT of an elementary file by
// identifier and READ BINARY at any offset (6B00 past the end). A command that breaks secure
// messaging ends the session (6988), as a chip does. Not thread-safe.
#pragma once

#include <optional>

#include "devices/card/bac.h"
#include "devices/card/card_channel.h"
#include "devices/card/card_issuer.h"

namespace dancu::devices::card {

class SoftwareCard {
 public:
  explicit SoftwareCard(CardContent content);

  // The answer to reset: a T=1 ATR with no historical bytes.
  static Bytes Atr();

  // Answers one command APDU (bytes in, response APDU out).
  Bytes Process(const Bytes& command);

  // Power cycle: ends any session and selection.
  void Reset();

 private:
  ResponseApdu Answer(const CommandApdu& command);
  ResponseApdu ExternalAuthenticate(const CommandApdu& command);
  ResponseApdu SelectFile(const CommandApdu& command);
  ResponseApdu ReadBinary(const CommandApdu& command);

  CardContent content_;
  KeyPair keys_;
  bool application_selected_ = false;
  Bytes challenge_;
  std::optional<SecureMessaging> session_;
  const Bytes* selected_ = nullptr;  // into content_.files
};

// A CardChannel straight to a SoftwareCard in this process; like a reader connecting, it resets
// the card first. With `remove_after` it behaves as a card pulled out of the reader after that
// many commands: every later Transmit fails with kCardRemoved.
class SoftwareCardChannel : public CardChannel {
 public:
  explicit SoftwareCardChannel(SoftwareCard& card, std::optional<int> remove_after = std::nullopt)
      : card_(card), remaining_(remove_after) {
    card_.Reset();
  }

  Result<Bytes> Transmit(const Bytes& command) override;
  int transmitted() const { return transmitted_; }

 private:
  SoftwareCard& card_;
  std::optional<int> remaining_;
  int transmitted_ = 0;
};

}  // namespace dancu::devices::card
