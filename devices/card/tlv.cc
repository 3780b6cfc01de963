#include "devices/card/tlv.h"

#include <string>

namespace dancu::devices::card {

namespace {

Error Malformed(const char* what) {
  return Error(ErrorCode::kUnsupportedCard, std::string("malformed TLV: ") + what);
}

struct Header {
  std::uint32_t tag = 0;
  std::size_t header_size = 0;
  std::size_t length = 0;
};

Result<Header> ReadHeader(std::span<const std::uint8_t> in) {
  Header h;
  std::size_t i = 0;
  if (in.empty()) return Malformed("empty input");
  h.tag = in[i++];
  if ((h.tag & 0x1F) == 0x1F) {  // more tag bytes follow, each with bit 8 set but the last
    do {
      if (i >= in.size() || i >= 3) return Malformed("tag too long");
      h.tag = (h.tag << 8) | in[i];
    } while (in[i++] & 0x80);
  }
  if (i >= in.size()) return Malformed("no length");
  std::uint8_t first = in[i++];
  if (first < 0x80) {
    h.length = first;
  } else {
    std::size_t n = first & 0x7F;
    if (n == 0 || n > 4) return Malformed("unsupported length form");
    if (in.size() - i < n) return Malformed("truncated length");
    for (std::size_t k = 0; k < n; ++k) h.length = (h.length << 8) | in[i++];
  }
  h.header_size = i;
  return h;
}

}  // namespace

bool Tlv::constructed() const {
  std::uint32_t first = tag;
  while (first > 0xFF) first >>= 8;
  return (first & 0x20) != 0;
}

Result<Tlv> ReadTlv(std::span<const std::uint8_t> in) {
  Result<Header> h = ReadHeader(in);
  if (!h.ok()) return h.error();
  if (in.size() - h.value().header_size < h.value().length) return Malformed("truncated value");
  return Tlv{h.value().tag, in.subspan(h.value().header_size, h.value().length),
             h.value().header_size + h.value().length};
}

Result<std::size_t> TlvTotalSize(std::span<const std::uint8_t> prefix) {
  Result<Header> h = ReadHeader(prefix);
  if (!h.ok()) return h.error();
  return h.value().header_size + h.value().length;
}

Result<Tlv> FindTlv(std::span<const std::uint8_t> in, std::uint32_t tag) {
  while (!in.empty()) {
    Result<Tlv> t = ReadTlv(in);
    if (!t.ok()) return t.error();
    if (t.value().tag == tag) return t;
    in = in.subspan(t.value().size);
  }
  static const char* digits = "0123456789ABCDEF";
  std::string hex;
  for (std::uint32_t v = tag; v; v >>= 4) hex.insert(hex.begin(), digits[v & 0xF]);
  return Error(ErrorCode::kUnsupportedCard, "missing data object '" + hex + "'");
}

Bytes EncodeTlv(std::uint32_t tag, std::span<const std::uint8_t> value) {
  Bytes out;
  for (int shift = 16; shift > 0; shift -= 8) {
    if (tag >> shift) out.push_back(static_cast<std::uint8_t>(tag >> shift));
  }
  out.push_back(static_cast<std::uint8_t>(tag));
  std::size_t n = value.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    Bytes len;
    for (std::size_t v = n; v; v >>= 8) len.insert(len.begin(), static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(0x80 | len.size()));
    out.insert(out.end(), len.begin(), len.end());
  }
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

}  // namespace dancu::devices::card
