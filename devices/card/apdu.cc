#include "devices/card/apdu.h"

namespace dancu::devices::card {

Bytes CommandApdu::Encode() const {
  Bytes out = {cla, ins, p1, p2};
  if (!data.empty()) {
    out.push_back(static_cast<std::uint8_t>(data.size()));
    out.insert(out.end(), data.begin(), data.end());
  }
  if (le) out.push_back(static_cast<std::uint8_t>(*le == 256 ? 0 : *le));
  return out;
}

Result<CommandApdu> CommandApdu::Decode(const Bytes& bytes) {
  if (bytes.size() < 4) return Error(ErrorCode::kProtocolError, "command APDU under 4 bytes");
  CommandApdu c{bytes[0], bytes[1], bytes[2], bytes[3], {}, std::nullopt};
  std::size_t rest = bytes.size() - 4;
  if (rest == 0) return c;
  std::size_t first = bytes[4];
  if (rest == 1) {
    c.le = first == 0 ? 256 : first;
    return c;
  }
  if (first == 0 || rest < 1 + first || rest > 2 + first) {
    return Error(ErrorCode::kProtocolError, "command APDU is not a short APDU");
  }
  c.data.assign(bytes.begin() + 5, bytes.begin() + 5 + static_cast<std::ptrdiff_t>(first));
  if (rest == 2 + first) c.le = bytes.back() == 0 ? 256 : bytes.back();
  return c;
}

Bytes ResponseApdu::Encode() const {
  Bytes out = data;
  out.push_back(static_cast<std::uint8_t>(sw >> 8));
  out.push_back(static_cast<std::uint8_t>(sw));
  return out;
}

Result<ResponseApdu> ResponseApdu::Decode(const Bytes& bytes) {
  if (bytes.size() < 2) return Error(ErrorCode::kProtocolError, "response without status word");
  ResponseApdu r;
  r.data.assign(bytes.begin(), bytes.end() - 2);
  r.sw = static_cast<std::uint16_t>(bytes[bytes.size() - 2] << 8 | bytes.back());
  return r;
}

}  // namespace dancu::devices::card
