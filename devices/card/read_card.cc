#include "devices/card/read_card.h"

#include "devices/card/apdu.h"
#include "devices/card/bac.h"
#include "devices/card/tlv.h"

namespace dancu::devices::card {

namespace {

// The first bytes of a file: enough for any tag and length form.
constexpr std::size_t kHeaderProbe = 8;
constexpr std::size_t kMaxOffset = 0x7FFF;  // READ BINARY with a 15-bit offset

Result<ResponseApdu> Exchange(CardChannel& channel, const CommandApdu& command) {
  Result<Bytes> raw = channel.Transmit(command.Encode());
  if (!raw.ok()) return raw.error();
  return ResponseApdu::Decode(raw.value());
}

// A secure-messaging session over a channel.
class Session {
 public:
  Session(CardChannel& channel, SecureMessaging sm) : channel_(channel), sm_(std::move(sm)) {}

  Result<ResponseApdu> Send(const CommandApdu& plain) {
    Result<ResponseApdu> response = Exchange(channel_, sm_.ProtectCommand(plain));
    if (!response.ok()) return response;
    return sm_.UnprotectResponse(response.value());
  }

 private:
  CardChannel& channel_;
  SecureMessaging sm_;
};

std::string Hex16(std::uint16_t v) {
  static const char* digits = "0123456789ABCDEF";
  std::string s(4, '0');
  for (int i = 3; i >= 0; --i, v = static_cast<std::uint16_t>(v >> 4)) s[i] = digits[v & 0xF];
  return s;
}

Error CardRefused(const char* what, std::uint16_t sw) {
  return Error(ErrorCode::kUnsupportedCard, std::string(what) + " (status " + Hex16(sw) + ")");
}

Result<SecureMessaging> Authenticate(CardChannel& channel, const std::string& mrz_information) {
  Result<ResponseApdu> selected =
      Exchange(channel, {0x00, 0xA4, 0x04, 0x0C, kMrtdAid, std::nullopt});
  if (!selected.ok()) return selected.error();
  if (selected.value().sw != kSwOk) {
    return Error(ErrorCode::kUnsupportedCard, "the card has no ICAO 9303 (eMRTD) application");
  }
  Result<ResponseApdu> challenge = Exchange(channel, {0x00, 0x84, 0x00, 0x00, {}, 8});
  if (!challenge.ok()) return challenge.error();
  if (challenge.value().sw != kSwOk || challenge.value().data.size() != 8) {
    return CardRefused("the card gave no BAC challenge", challenge.value().sw);
  }
  const Bytes& rnd_ic = challenge.value().data;
  KeyPair keys = DeriveKeys(BacKeySeed(mrz_information));
  BacNonces terminal{RandomBytes(8), RandomBytes(16)};
  Result<ResponseApdu> answer = Exchange(
      channel, {0x00, 0x82, 0x00, 0x00, BacTerminalCommand(keys, terminal, rnd_ic), 40});
  if (!answer.ok()) return answer.error();
  if (answer.value().sw != kSwOk) {
    return Error(ErrorCode::kAccessDenied,
                 "the card refused the access key: check the citizen number, birth and expiry "
                 "dates");
  }
  return BacTerminalFinish(keys, terminal, rnd_ic, answer.value().data);
}

Result<Bytes> ReadChunk(Session& session, std::size_t offset, std::size_t n) {
  Result<ResponseApdu> r = session.Send({0x00, 0xB0, static_cast<std::uint8_t>(offset >> 8),
                                         static_cast<std::uint8_t>(offset), {}, n});
  if (!r.ok()) return r.error();
  if (r.value().sw != kSwOk || r.value().data.empty()) {
    return CardRefused("the card refused to read a file", r.value().sw);
  }
  return std::move(r).value().data;
}

Result<Bytes> ReadFile(Session& session, const LdsFile& file, const ReadProgress& progress) {
  Bytes fid = {static_cast<std::uint8_t>(file.fid >> 8), static_cast<std::uint8_t>(file.fid)};
  Result<ResponseApdu> selected = session.Send({0x00, 0xA4, 0x02, 0x0C, fid, std::nullopt});
  if (!selected.ok()) return selected.error();
  if (selected.value().sw != kSwOk) {
    return CardRefused(("the card has no file " + Hex16(file.fid)).c_str(), selected.value().sw);
  }
  Result<Bytes> head = ReadChunk(session, 0, kHeaderProbe);
  if (!head.ok()) return head.error();
  Bytes content = std::move(head).value();
  Result<std::size_t> total = TlvTotalSize(content);
  if (!total.ok()) return total.error();
  if (content.empty() || content[0] != file.tag) {
    return Error(ErrorCode::kUnsupportedCard, "file " + Hex16(file.fid) + " has an unexpected tag");
  }
  if (total.value() > kMaxOffset + kReadChunk) {
    return Error(ErrorCode::kUnsupportedCard, "file " + Hex16(file.fid) + " is too large to read");
  }
  content.resize(std::min(content.size(), total.value()));
  while (content.size() < total.value()) {
    if (progress) progress(file, content.size(), total.value());
    Result<Bytes> chunk =
        ReadChunk(session, content.size(), std::min(kReadChunk, total.value() - content.size()));
    if (!chunk.ok()) return chunk.error();
    content.insert(content.end(), chunk.value().begin(), chunk.value().end());
  }
  content.resize(total.value());
  if (progress) progress(file, content.size(), total.value());
  return content;
}

}  // namespace

Result<CardFiles> ReadCardFiles(CardChannel& channel, const std::string& mrz_information,
                                const ReadProgress& progress) {
  Result<SecureMessaging> sm = Authenticate(channel, mrz_information);
  if (!sm.ok()) return sm.error();
  Session session(channel, std::move(sm).value());
  CardFiles files;
  for (const LdsFile& file : kReadFiles) {
    Result<Bytes> content = ReadFile(session, file, progress);
    if (!content.ok()) return content.error();
    files.Of(file) = std::move(content).value();
  }
  return files;
}

Result<CitizenCard> OpenCitizenCard(const CardFiles& files, const TrustStore& trust,
                                    std::time_t now) {
  CitizenCard card;
  card.verdict = VerifyPassive(files, trust, now);
  Result<CitizenData> data = ParseDg13(files.dg13);
  if (!data.ok()) return data.error();
  card.data = std::move(data).value();
  Result<std::string> mrz = ParseDg1(files.dg1);
  if (!mrz.ok()) return mrz.error();
  card.mrz = std::move(mrz).value();
  Result<FaceImage> face = ParseDg2(files.dg2);
  if (!face.ok()) return face.error();
  card.face = std::move(face).value();
  return card;
}

}  // namespace dancu::devices::card
