// Reading a chip citizen-ID card for the node: through PC/SC, verified against a folder of CSCA
// certificates (the node's card-trust/ or the operator's). Shared by `dancu card` and the
// console's "Đọc thẻ". Blocks the calling thread for up to `wait` plus the read (seconds).
#pragma once

#include <chrono>
#include <string>

#include "devices/card/read_card.h"
#include "storage/status.h"

namespace dancu::node {

struct CardRequest {
  std::string citizen_no;  // the access key: 12 digits ...
  std::string birth;       // ... and the card's dates, YYYY-MM-DD
  std::string expiry;
  std::string reader;                  // PC/SC reader name; empty: any reader
  std::chrono::seconds wait{15};       // for a card to be in the reader
  std::string trust_dir;               // CSCA certificates
};

// The card read and verified (a card that is not genuine is a value; its verdict says so).
// Errors: InvalidArgument (a malformed number or date, a bad trust folder), FailedPrecondition
// (pcscd not running, no reader, no card), PermissionDenied (the card refused the access key),
// IOError (the card removed during the read, an unsupported card, a protocol failure). Messages
// are the devices' English sentences.
Result<devices::card::CitizenCard> ReadCitizenCard(const CardRequest& request);

}  // namespace dancu::node
