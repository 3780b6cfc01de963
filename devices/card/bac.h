// Basic Access Control (ICAO 9303 Part 11, section 4.3): mutual authentication of terminal and
// card with keys derived from the MRZ, ending in secure-messaging session keys.
//
// The steps are pure functions of their inputs (so the worked example of Part 11 checks them
// byte for byte); PerformBac in card_session.h drives them over a card channel. PACE, when it
// comes, ends in the same SecureMessaging.
#pragma once

#include "devices/card/icao_crypto.h"
#include "devices/card/secure_messaging.h"

namespace dancu::devices::card {

// The random values of one BAC run, 8 + 8 + 16 bytes on each side.
struct BacNonces {
  Bytes rnd;  // RND.IFD (terminal) or RND.IC (card)
  Bytes k;    // K.IFD or K.IC, the key material each side contributes
};

// Terminal: the EXTERNAL AUTHENTICATE data E.IFD || M.IFD for the card's challenge `rnd_ic`.
Bytes BacTerminalCommand(const KeyPair& keys, const BacNonces& terminal, const Bytes& rnd_ic);

// Terminal: checks the card's answer E.IC || M.IC and returns the session. kAccessDenied if the
// answer does not authenticate (the card holds other keys).
Result<SecureMessaging> BacTerminalFinish(const KeyPair& keys, const BacNonces& terminal,
                                          const Bytes& rnd_ic, const Bytes& card_answer);

struct BacCardResult {
  Bytes answer;             // E.IC || M.IC
  SecureMessaging session;  // the card's side of the session
};

// Card: checks the terminal's EXTERNAL AUTHENTICATE data against the card's challenge and answers.
// kAccessDenied if it does not authenticate (the terminal used other keys).
Result<BacCardResult> BacCardRespond(const KeyPair& keys, const BacNonces& card,
                                     const Bytes& command_data);

}  // namespace dancu::devices::card
