// CardChannel: one card in one reader, exchanging APDUs. The PC/SC reader (pcsc_reader.h) and
// the in-process software card (software_card.h) both provide one, so everything above reads a
// card the same way whatever holds it.
#pragma once

#include "devices/card/bytes.h"
#include "devices/result.h"

namespace dancu::devices::card {

class CardChannel {
 public:
  virtual ~CardChannel() = default;

  // Sends one command APDU and returns the card's response APDU (data, then SW1 SW2). Blocks
  // until the card answers. Errors: kCardRemoved (the card left the reader), kNoCard,
  // kTimedOut, kCancelled, kProtocolError (the reader or its daemon failed). Not thread-safe:
  // one thread drives a channel at a time.
  virtual Result<Bytes> Transmit(const Bytes& command) = 0;
};

}  // namespace dancu::devices::card
