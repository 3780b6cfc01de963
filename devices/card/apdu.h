// ISO 7816-4 command and response APDUs, short form only (Lc and Le up to 256), which is all
// that BAC, secure messaging and reading in chunks of under 256 bytes need.
#pragma once

#include <cstdint>
#include <optional>

#include "devices/card/bytes.h"
#include "devices/result.h"

namespace dancu::devices::card {

// Status words the card code acts on.
inline constexpr std::uint16_t kSwOk = 0x9000;
inline constexpr std::uint16_t kSwSecurityNotSatisfied = 0x6982;  // e.g. BAC not done
inline constexpr std::uint16_t kSwSmDataIncorrect = 0x6988;
inline constexpr std::uint16_t kSwFileNotFound = 0x6A82;
inline constexpr std::uint16_t kSwWrongP1P2 = 0x6B00;
inline constexpr std::uint16_t kSwInsNotSupported = 0x6D00;
inline constexpr std::uint16_t kSwWrongLength = 0x6700;
inline constexpr std::uint16_t kSwConditionsNotSatisfied = 0x6985;

struct CommandApdu {
  std::uint8_t cla = 0;
  std::uint8_t ins = 0;
  std::uint8_t p1 = 0;
  std::uint8_t p2 = 0;
  Bytes data;                      // at most 255 bytes
  std::optional<std::size_t> le;   // 1..256 expected bytes; nullopt: no Le

  Bytes Encode() const;
  // Fails with kProtocolError for bytes that are not a short APDU.
  static Result<CommandApdu> Decode(const Bytes& bytes);
};

struct ResponseApdu {
  Bytes data;
  std::uint16_t sw = 0;

  Bytes Encode() const;
  // Fails with kProtocolError when fewer than two bytes (no status word) arrived.
  static Result<ResponseApdu> Decode(const Bytes& bytes);
};

}  // namespace dancu::devices::card
