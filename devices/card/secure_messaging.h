// ICAO 9303 Part 11 secure messaging with 3DES session keys (after BAC): command data encrypted
// in DO'87', Le in DO'97', the status word in DO'99', and a retail MAC in DO'8E' over the send
// sequence counter and the protected data objects.
//
// Both sides live here, so that the terminal (the card reader code) and the software card share
// one implementation: ProtectCommand/UnprotectResponse for the terminal, UnprotectCommand/
// ProtectResponse for the card. Each call increments the send sequence counter (SSC) first, as
// Part 11 prescribes, so a pair of endpoints stays in step only while every APDU reaches the
// other side once.
//
// Not thread-safe: one SecureMessaging belongs to one session. PACE would produce the same
// object with AES keys; this class does 3DES only.
#pragma once

#include "devices/card/apdu.h"
#include "devices/card/icao_crypto.h"

namespace dancu::devices::card {

class SecureMessaging {
 public:
  // `keys`: KS_enc and KS_mac; `ssc`: the 8-byte initial send sequence counter.
  SecureMessaging(KeyPair keys, Bytes ssc);

  const Bytes& ssc() const { return ssc_; }

  // Terminal side.
  CommandApdu ProtectCommand(const CommandApdu& plain);
  // A response without data objects is passed through when its status word is an error (cards
  // answer secure-messaging failures in plain); kSecureMessaging for a wrong MAC or a
  // malformed response.
  Result<ResponseApdu> UnprotectResponse(const ResponseApdu& protected_response);

  // Card side. kSecureMessaging for a command that is not protected, malformed or wrongly MACed.
  Result<CommandApdu> UnprotectCommand(const CommandApdu& protected_command);
  ResponseApdu ProtectResponse(const ResponseApdu& plain);

 private:
  void Increment();
  Bytes Mac(const Bytes& header, const Bytes& objects) const;  // header empty for responses
  Bytes Cryptogram(const Bytes& data) const;                   // DO'87' of `data`

  KeyPair keys_;
  Bytes ssc_;
};

}  // namespace dancu::devices::card
