#include "devices/card/bac.h"

namespace dancu::devices::card {

namespace {

Bytes Slice(const Bytes& b, std::size_t from, std::size_t n) {
  return Bytes(b.begin() + static_cast<long>(from), b.begin() + static_cast<long>(from + n));
}

// E || MAC(E) with E the encryption of `plain`.
Bytes Cryptogram(const KeyPair& keys, const Bytes& plain) {
  Bytes e = Encrypt(keys.enc, plain);
  Bytes mac = RetailMac(keys.mac, e);
  e.insert(e.end(), mac.begin(), mac.end());
  return e;
}

// The plain text of E || MAC(E), if it is 32 bytes of cryptogram with a right MAC.
std::optional<Bytes> Open(const KeyPair& keys, const Bytes& data) {
  if (data.size() != 40) return std::nullopt;
  Bytes e = Slice(data, 0, 32);
  if (RetailMac(keys.mac, e) != Slice(data, 32, 8)) return std::nullopt;
  return Decrypt(keys.enc, e);
}

// Session keys from K.IFD xor K.IC and the SSC from the low halves of RND.IC and RND.IFD.
SecureMessaging Session(const Bytes& k_ifd, const Bytes& k_ic, const Bytes& rnd_ic,
                        const Bytes& rnd_ifd) {
  Bytes seed(16);
  for (std::size_t i = 0; i < 16; ++i) seed[i] = static_cast<std::uint8_t>(k_ifd[i] ^ k_ic[i]);
  Bytes ssc = Slice(rnd_ic, 4, 4);
  Bytes low = Slice(rnd_ifd, 4, 4);
  ssc.insert(ssc.end(), low.begin(), low.end());
  return SecureMessaging(DeriveKeys(seed), ssc);
}

Error Denied() {
  return Error(ErrorCode::kAccessDenied,
               "basic access control failed: the card and the reader hold different access keys");
}

}  // namespace

Bytes BacTerminalCommand(const KeyPair& keys, const BacNonces& terminal, const Bytes& rnd_ic) {
  return Cryptogram(keys, Concat({&terminal.rnd, &rnd_ic, &terminal.k}));
}

Result<SecureMessaging> BacTerminalFinish(const KeyPair& keys, const BacNonces& terminal,
                                          const Bytes& rnd_ic, const Bytes& card_answer) {
  std::optional<Bytes> r = Open(keys, card_answer);
  if (!r || Slice(*r, 0, 8) != rnd_ic || Slice(*r, 8, 8) != terminal.rnd) return Denied();
  return Session(terminal.k, Slice(*r, 16, 16), rnd_ic, terminal.rnd);
}

Result<BacCardResult> BacCardRespond(const KeyPair& keys, const BacNonces& card,
                                     const Bytes& command_data) {
  std::optional<Bytes> s = Open(keys, command_data);
  if (!s || Slice(*s, 8, 8) != card.rnd) return Denied();
  Bytes rnd_ifd = Slice(*s, 0, 8);
  Bytes k_ifd = Slice(*s, 16, 16);
  return BacCardResult{Cryptogram(keys, Concat({&card.rnd, &rnd_ifd, &card.k})),
                       Session(k_ifd, card.k, card.rnd, rnd_ifd)};
}

}  // namespace dancu::devices::card
