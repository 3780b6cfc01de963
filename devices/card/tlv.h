// BER-TLV as ICAO 9303 and ISO 7816-4 use it: tags of one to three bytes, definite lengths of up
// to four bytes. Used for the LDS files, secure-messaging data objects and DER inside EF.SOD.
//
// Decoding never reads past the input and reports malformed bytes as kUnsupportedCard (what
// arrives is from a card we cannot read); it allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "devices/card/bytes.h"
#include "devices/result.h"

namespace dancu::devices::card {

struct Tlv {
  std::uint32_t tag = 0;                 // the tag bytes, big-endian: 0x5F1F, 0x87, 0x7F61
  std::span<const std::uint8_t> value;   // points into the decoded input
  std::size_t size = 0;                  // bytes of tag, length and value together

  bool constructed() const;  // bit 6 of the tag's first byte
};

// The TLV at the start of `in`.
Result<Tlv> ReadTlv(std::span<const std::uint8_t> in);

// The length a complete TLV at the start of `prefix` will have, from its tag and length bytes
// alone (for reading a file whose size is unknown). Fails if `prefix` is too short to tell.
Result<std::size_t> TlvTotalSize(std::span<const std::uint8_t> prefix);

// The first TLV with `tag` among the TLVs that make up `in` (one level, not recursive).
Result<Tlv> FindTlv(std::span<const std::uint8_t> in, std::uint32_t tag);

// Encodes one TLV with a DER length.
Bytes EncodeTlv(std::uint32_t tag, std::span<const std::uint8_t> value);

}  // namespace dancu::devices::card
