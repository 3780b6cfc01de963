// Reading a chip citizen-ID card over any CardChannel: select the eMRTD application, Basic Access
// Control with the access key, then EF.COM, EF.SOD, DG1, DG2 and DG13 under secure messaging,
// each file in chunks, and their passive authentication and parsing.
//
// Blocking: runs on the caller's thread for as long as the card takes (a CCCD: about two seconds,
// mostly DG2); PcscReader::Cancel or a card pulled out ends it with that error. Nothing read
// is kept beyond the returned value, and nothing biometric is logged.
#pragma once

#include <ctime>
#include <functional>

#include "devices/card/card_channel.h"
#include "devices/card/dg13.h"
#include "devices/card/lds.h"
#include "devices/card/passive_auth.h"

namespace dancu::devices::card {

// The bytes READ BINARY asks for at once: what fits, protected, in a short response APDU.
inline constexpr std::size_t kReadChunk = 0xDF;

// Progress of a read, for the person at the reader: the file and the bytes read of it so far.
using ReadProgress = std::function<void(const LdsFile& file, std::size_t read, std::size_t total)>;

// Reads the card's files. `mrz_information` gives the BAC keys (CitizenCardMrzInformation for a
// CCCD). Errors: kUnsupportedCard (no eMRTD application, a malformed file, a file larger than
// READ BINARY reaches), kAccessDenied (BAC refused: wrong number or dates), kSecureMessaging,
// and whatever the channel reports (kCardRemoved, kTimedOut, kCancelled ...).
Result<CardFiles> ReadCardFiles(CardChannel& channel, const std::string& mrz_information,
                                const ReadProgress& progress = {});

// A card read, verified and parsed.
struct CitizenCard {
  Verdict verdict;
  CitizenData data;  // DG13
  std::string mrz;   // DG1
  FaceImage face;    // DG2: biometric data
};

// Verifies `files` (passive authentication at `now`) and parses them. kUnsupportedCard when a
// data group cannot be parsed; a parsed card that is not genuine is a value, its verdict says so.
Result<CitizenCard> OpenCitizenCard(const CardFiles& files, const TrustStore& trust,
                                    std::time_t now);

}  // namespace dancu::devices::card
