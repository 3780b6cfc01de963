// Hex strings for the card tests: the worked examples of ICAO 9303 are printed in hex.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "devices/card/bytes.h"

namespace dancu::devices::card::testing {

// "0C A4 02 0C" -> {0x0C, 0xA4, 0x02, 0x0C}; spaces are ignored.
inline Bytes Hex(std::string_view hex) {
  Bytes out;
  std::string digits;
  for (char c : hex) {
    if (!std::isspace(static_cast<unsigned char>(c))) digits += c;
  }
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace dancu::devices::card::testing
