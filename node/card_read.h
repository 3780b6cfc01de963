// Reading a chip citizen-ID card for the node: on the card reader's own thread
// (devices/card/card_read_worker.h: one reader, one read at a time), verified against a folder of
// CSCA certificates (the node's card-trust/ or the operator's). Shared by `dancu card` and the
// console's "Đọc thẻ". The caller's thread only waits: for up to `wait` plus kCardReadTime, after
// which the read is cancelled. Thread-safe as the worker.
#pragma once

#include <chrono>
#include <string>

#include "devices/card/card_read_worker.h"
#include "devices/card/read_card.h"
#include "storage/status.h"

namespace dancu::node {

// How long a read may take once the card is in the reader (a CCCD takes about two seconds).
inline constexpr std::chrono::seconds kCardReadTime{30};

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
// (pcscd not running, no reader, no card, the reader busy with another read: IsCardReaderBusy),
// PermissionDenied (the card refused the access key), IOError (the card removed during the read,
// an unsupported card, a protocol failure, the read cancelled or past its time). Messages are the
// devices' English sentences.
Result<devices::card::CitizenCard> ReadCitizenCard(devices::card::CardReadWorker& reader,
                                                   const CardRequest& request);

// Whether `status` says the reader was busy with another read (nothing was done).
bool IsCardReaderBusy(const Status& status);

}  // namespace dancu::node
