#include "devices/card/secure_messaging.h"

#include <stdexcept>

#include "devices/card/tlv.h"

namespace dancu::devices::card {

namespace {

constexpr std::uint8_t kSmClass = 0x0C;
constexpr std::uint32_t kDoCryptogram = 0x87;
constexpr std::uint32_t kDoLe = 0x97;
constexpr std::uint32_t kDoStatus = 0x99;
constexpr std::uint32_t kDoMac = 0x8E;

Error SmError(const std::string& what) { return Error(ErrorCode::kSecureMessaging, what); }

// The data objects of a protected APDU, in order, with DO'8E' split off.
struct Objects {
  Bytes covered;  // every data object before DO'8E', as sent (what the MAC covers)
  std::optional<Bytes> cryptogram;  // value of DO'87' without its padding-indicator byte
  std::optional<Bytes> le;
  std::optional<Bytes> status;
  Bytes mac;
};

Result<Objects> Split(const Bytes& data) {
  Objects o;
  std::span<const std::uint8_t> rest(data);
  while (!rest.empty()) {
    Result<Tlv> t = ReadTlv(rest);
    if (!t.ok()) return SmError("malformed secure-messaging data objects");
    const Tlv& tlv = t.value();
    Bytes value(tlv.value.begin(), tlv.value.end());
    if (tlv.tag == kDoMac) {
      if (value.size() != kBlock || tlv.size != rest.size()) return SmError("misplaced DO'8E'");
      o.mac = value;
      return o;
    }
    o.covered.insert(o.covered.end(), rest.begin(), rest.begin() + static_cast<long>(tlv.size));
    if (tlv.tag == kDoCryptogram) {
      if (value.empty() || value[0] != 0x01) return SmError("unknown padding indicator");
      o.cryptogram = Bytes(value.begin() + 1, value.end());
    } else if (tlv.tag == kDoLe) {
      o.le = value;
    } else if (tlv.tag == kDoStatus) {
      o.status = value;
    } else {
      return SmError("unsupported secure-messaging data object");
    }
    rest = rest.subspan(tlv.size);
  }
  return SmError("no DO'8E' (MAC)");
}

bool Equal(const Bytes& a, const Bytes& b) {
  if (a.size() != b.size()) return false;
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = static_cast<std::uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

Result<Bytes> Decrypted(const KeyPair& keys, const Bytes& cryptogram) {
  if (cryptogram.empty() || cryptogram.size() % kBlock) return SmError("cryptogram not whole blocks");
  return Unpad(Decrypt(keys.enc, cryptogram));
}

}  // namespace

SecureMessaging::SecureMessaging(KeyPair keys, Bytes ssc) : keys_(std::move(keys)), ssc_(std::move(ssc)) {
  if (ssc_.size() != kBlock) throw std::invalid_argument("SSC must be 8 bytes");
}

void SecureMessaging::Increment() {
  for (std::size_t i = ssc_.size(); i-- > 0;) {
    if (++ssc_[i] != 0) break;
  }
}

Bytes SecureMessaging::Mac(const Bytes& header, const Bytes& objects) const {
  Bytes n = ssc_;
  if (!header.empty()) {
    Bytes padded = Pad(header);
    n.insert(n.end(), padded.begin(), padded.end());
  }
  n.insert(n.end(), objects.begin(), objects.end());
  return RetailMac(keys_.mac, n);
}

Bytes SecureMessaging::Cryptogram(const Bytes& data) const {
  Bytes value = {0x01};
  Bytes encrypted = Encrypt(keys_.enc, Pad(data));
  value.insert(value.end(), encrypted.begin(), encrypted.end());
  return EncodeTlv(kDoCryptogram, value);
}

CommandApdu SecureMessaging::ProtectCommand(const CommandApdu& plain) {
  Increment();
  CommandApdu out{static_cast<std::uint8_t>(plain.cla | kSmClass), plain.ins, plain.p1, plain.p2,
                  {}, 256};
  Bytes objects;
  if (!plain.data.empty()) objects = Cryptogram(plain.data);
  if (plain.le) {
    Bytes le = {static_cast<std::uint8_t>(*plain.le == 256 ? 0 : *plain.le)};
    Bytes do97 = EncodeTlv(kDoLe, le);
    objects.insert(objects.end(), do97.begin(), do97.end());
  }
  Bytes mac = EncodeTlv(kDoMac, Mac({out.cla, out.ins, out.p1, out.p2}, objects));
  out.data = objects;
  out.data.insert(out.data.end(), mac.begin(), mac.end());
  return out;
}

Result<ResponseApdu> SecureMessaging::UnprotectResponse(const ResponseApdu& response) {
  Increment();
  if (response.data.empty() && response.sw != kSwOk) return response;
  Result<Objects> split = Split(response.data);
  if (!split.ok()) return split.error();
  const Objects& o = split.value();
  if (!Equal(Mac({}, o.covered), o.mac)) return SmError("the response's MAC is wrong");
  if (!o.status || o.status->size() != 2) return SmError("no DO'99' (status word)");
  ResponseApdu plain{{}, static_cast<std::uint16_t>((*o.status)[0] << 8 | (*o.status)[1])};
  if (o.cryptogram) {
    Result<Bytes> data = Decrypted(keys_, *o.cryptogram);
    if (!data.ok()) return data.error();
    plain.data = std::move(data).value();
  }
  return plain;
}

Result<CommandApdu> SecureMessaging::UnprotectCommand(const CommandApdu& command) {
  Increment();
  if ((command.cla & kSmClass) != kSmClass) return SmError("command is not protected");
  Result<Objects> split = Split(command.data);
  if (!split.ok()) return split.error();
  const Objects& o = split.value();
  if (!Equal(Mac({command.cla, command.ins, command.p1, command.p2}, o.covered), o.mac)) {
    return SmError("the command's MAC is wrong");
  }
  CommandApdu plain{static_cast<std::uint8_t>(command.cla & ~kSmClass), command.ins, command.p1,
                    command.p2, {}, std::nullopt};
  if (o.cryptogram) {
    Result<Bytes> data = Decrypted(keys_, *o.cryptogram);
    if (!data.ok()) return data.error();
    plain.data = std::move(data).value();
  }
  if (o.le) {
    if (o.le->size() != 1) return SmError("unsupported DO'97'");
    plain.le = (*o.le)[0] == 0 ? 256 : (*o.le)[0];
  }
  return plain;
}

ResponseApdu SecureMessaging::ProtectResponse(const ResponseApdu& plain) {
  Increment();
  Bytes objects;
  if (!plain.data.empty()) objects = Cryptogram(plain.data);
  Bytes sw = {static_cast<std::uint8_t>(plain.sw >> 8), static_cast<std::uint8_t>(plain.sw)};
  Bytes do99 = EncodeTlv(kDoStatus, sw);
  objects.insert(objects.end(), do99.begin(), do99.end());
  Bytes mac = EncodeTlv(kDoMac, Mac({}, objects));
  objects.insert(objects.end(), mac.begin(), mac.end());
  return {objects, plain.sw};
}

}  // namespace dancu::devices::card
