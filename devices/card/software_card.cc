#include "devices/card/software_card.h"

#include <algorithm>

namespace dancu::devices::card {

namespace {

constexpr std::uint8_t kInsSelect = 0xA4;
constexpr std::uint8_t kInsGetChallenge = 0x84;
constexpr std::uint8_t kInsExternalAuthenticate = 0x82;
constexpr std::uint8_t kInsReadBinary = 0xB0;
constexpr std::uint16_t kSwAuthenticationFailed = 0x6300;

ResponseApdu Sw(std::uint16_t sw) { return {{}, sw}; }

}  // namespace

SoftwareCard::SoftwareCard(CardContent content)
    : content_(std::move(content)), keys_(DeriveKeys(BacKeySeed(content_.mrz_information))) {}

Bytes SoftwareCard::Atr() { return {0x3B, 0x80, 0x80, 0x01, 0x01}; }

void SoftwareCard::Reset() {
  application_selected_ = false;
  challenge_.clear();
  session_.reset();
  selected_ = nullptr;
}

Bytes SoftwareCard::Process(const Bytes& bytes) {
  Result<CommandApdu> command = CommandApdu::Decode(bytes);
  if (!command.ok()) return Sw(kSwWrongLength).Encode();
  if (!session_) return Answer(command.value()).Encode();
  Result<CommandApdu> plain = session_->UnprotectCommand(command.value());
  if (!plain.ok()) {
    session_.reset();
    selected_ = nullptr;
    return Sw(kSwSmDataIncorrect).Encode();
  }
  return session_->ProtectResponse(Answer(plain.value())).Encode();
}

ResponseApdu SoftwareCard::Answer(const CommandApdu& c) {
  switch (c.ins) {
    case kInsSelect:
      if (c.p1 == 0x04) {
        application_selected_ = c.data == kMrtdAid;
        return Sw(application_selected_ ? kSwOk : kSwFileNotFound);
      }
      return SelectFile(c);
    case kInsGetChallenge:
      if (!application_selected_) return Sw(kSwConditionsNotSatisfied);
      challenge_ = RandomBytes(8);
      return {challenge_, kSwOk};
    case kInsExternalAuthenticate:
      return ExternalAuthenticate(c);
    case kInsReadBinary:
      return ReadBinary(c);
    default:
      return Sw(kSwInsNotSupported);
  }
}

ResponseApdu SoftwareCard::ExternalAuthenticate(const CommandApdu& c) {
  if (!application_selected_ || challenge_.empty()) return Sw(kSwConditionsNotSatisfied);
  Result<BacCardResult> bac = BacCardRespond(keys_, {challenge_, RandomBytes(16)}, c.data);
  challenge_.clear();
  if (!bac.ok()) return Sw(kSwAuthenticationFailed);
  ResponseApdu answer{bac.value().answer, kSwOk};
  session_.emplace(std::move(bac.value().session));
  return answer;
}

ResponseApdu SoftwareCard::SelectFile(const CommandApdu& c) {
  if (!session_) return Sw(kSwSecurityNotSatisfied);
  if (c.p1 != 0x02 || c.data.size() != 2) return Sw(kSwWrongP1P2);
  std::uint16_t fid = static_cast<std::uint16_t>(c.data[0] << 8 | c.data[1]);
  for (const LdsFile& file : kReadFiles) {
    if (file.fid == fid && !content_.files.Of(file).empty()) {
      selected_ = &content_.files.Of(file);
      return Sw(kSwOk);
    }
  }
  return Sw(kSwFileNotFound);
}

ResponseApdu SoftwareCard::ReadBinary(const CommandApdu& c) {
  if (!session_) return Sw(kSwSecurityNotSatisfied);
  if (!selected_ || (c.p1 & 0x80)) return Sw(kSwConditionsNotSatisfied);
  std::size_t offset = static_cast<std::size_t>((c.p1 & 0x7F) << 8 | c.p2);
  if (offset >= selected_->size()) return Sw(kSwWrongP1P2);
  std::size_t n = std::min(c.le.value_or(256), selected_->size() - offset);
  auto from = selected_->begin() + static_cast<std::ptrdiff_t>(offset);
  return {Bytes(from, from + static_cast<std::ptrdiff_t>(n)), kSwOk};
}

Result<Bytes> SoftwareCardChannel::Transmit(const Bytes& command) {
  if (remaining_ && (*remaining_)-- <= 0) {
    return Error(ErrorCode::kCardRemoved, "the card was removed from the reader during the read");
  }
  ++transmitted_;
  return card_.Process(command);
}

}  // namespace dancu::devices::card
