// Internal helpers of the identify library: angles in units of 2π/256.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace dancu::identify::internal {

// atan2 by a minimax polynomial: |error| < 1e-5 rad, far below one angle unit (0.0245 rad).
inline float FastAtan2(float y, float x) {
  float ax = std::fabs(x), ay = std::fabs(y);
  float mx = std::max(ax, ay), mn = std::min(ax, ay);
  if (mx == 0) return 0;
  float a = mn / mx;
  float s = a * a;
  float r = ((-0.0464964749f * s + 0.15931422f) * s - 0.327622764f) * s * a + a;
  if (ay > ax) r = 1.57079637f - r;
  if (x < 0) r = 3.14159274f - r;
  if (y < 0) r = -r;
  return r;
}

// The direction of (dx, dy) in units of 2π/256, rounded.
inline uint8_t DirectionUnits(float dy, float dx) {
  float v = FastAtan2(dy, dx) * (128.0f / 3.14159265f);  // -128..128
  return static_cast<uint8_t>(static_cast<int>(v + 256.5f) & 0xff);
}

// a - b as a signed difference in -128..127.
inline int AngleDiff(uint8_t a, uint8_t b) { return static_cast<int8_t>(static_cast<uint8_t>(a - b)); }

}  // namespace dancu::identify::internal
