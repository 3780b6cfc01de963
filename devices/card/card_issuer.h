// Issues the files of an ICAO 9303 citizen card the way a state's personalisation system does:
// DG1 (the MRZ), DG2 (the face), DG13 (personal data), EF.COM, and EF.SOD signed by a Document
// Signer. dancu never issues real cards; this feeds the software card (software_card.h) used by
// the tests and by `dancu-softcard`.
#pragma once

#include <string>

#include "devices/card/dg13.h"
#include "devices/card/lds.h"
#include "devices/card/openssl_ptr.h"

namespace dancu::devices::card {

struct CardHolder {
  CitizenData data;        // DG13; data.citizen_no is the 12-digit citizen number
  std::string birth_iso;   // YYYY-MM-DD
  std::string expiry;      // YYYY-MM-DD, or the MRZ's expiry field (see CitizenCardMrzInformation)
  std::string mrz_name;    // e.g. "NGUYEN<<VAN<AN", for the MRZ's third line
  Bytes face_jpeg;
};

struct DocumentSigner {
  EVP_PKEY* key = nullptr;  // not owned
  X509* cert = nullptr;     // not owned
};

// What a card holds: its files and the MRZ information its BAC keys come from.
struct CardContent {
  CardFiles files;
  std::string mrz_information;
};

// The CCCD's MRZ information: the document number is the citizen number's last 9 digits; the
// birth date is YYYY-MM-DD; the expiry is YYYY-MM-DD or, for a card without expiry ("Không thời
// hạn" on its face and in DG13), the 6 characters of the MRZ's expiry field as printed on the card
// (digits and '<', e.g. "<<<<<<"): BAC hashes what the MRZ holds, whatever it is. kInvalidArgument
// for a citizen number that is not 12 digits or a malformed date.
Result<std::string> CitizenCardMrzInformation(const std::string& citizen_no,
                                              const std::string& birth_iso,
                                              const std::string& expiry);

// kInvalidArgument for bad holder data; kDeviceFailed if OpenSSL cannot sign.
Result<CardContent> IssueCard(const CardHolder& holder, const DocumentSigner& signer);

// The SOD over the data groups in `files` (for tests that re-sign altered data).
Result<Bytes> SignSecurityObject(const CardFiles& files, const DocumentSigner& signer);

}  // namespace dancu::devices::card
