// Test support: whether some output gives away secret bytes (a template, a photo, a key).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "storage/crypto.h"

namespace dancu::testing {

// Whether `text` holds any 16-byte window of `secret` (at 8-byte steps), raw or in hex. Windows of
// printable ASCII alone are skipped: a template's header names its driver and device, which may
// be printed as such.
inline bool Reveals(std::string_view text, std::string_view secret) {
  constexpr size_t kWindow = 16;
  for (size_t i = 0; i + kWindow <= secret.size(); i += kWindow / 2) {
    const std::string_view window = secret.substr(i, kWindow);
    if (std::all_of(window.begin(), window.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
      continue;
    }
    if (text.find(window) != std::string_view::npos) return true;
    if (text.find(storage::ToHex(window)) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace dancu::testing
