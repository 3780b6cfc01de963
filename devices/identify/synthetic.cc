#include "devices/identify/synthetic.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dancu::identify::synthetic {
namespace {

constexpr double kPi = std::numbers::pi;

double Uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

uint8_t ToUnits(double radians) {
  long v = std::lround(radians * 128.0 / kPi);
  return static_cast<uint8_t>(v & 0xff);
}

}  // namespace

Distortion EnrollmentCapture() {
  Distortion d;
  d.max_rotation_deg = 8;
  d.max_translation_px = 10;
  d.max_scale = 0.01;
  d.drop_min = 0.05;
  d.drop_max = 0.12;
  d.spurious_max = 0.05;
  d.jitter_px = 2;
  d.angle_jitter_deg = 6;
  return d;
}

Finger MakeFinger(std::mt19937_64& rng) {
  Finger f;
  f.width = static_cast<uint16_t>(std::uniform_int_distribution<int>(300, 388)(rng));
  f.height = static_cast<uint16_t>(std::uniform_int_distribution<int>(300, 374)(rng));
  // A loop-like orientation field: a core near the centre, a delta below it, a global tilt.
  double cx = f.width * Uniform(rng, 0.4, 0.6), cy = f.height * Uniform(rng, 0.35, 0.55);
  double dx = cx + Uniform(rng, -80, 80), dy = cy + Uniform(rng, 90, 160);
  double tilt = Uniform(rng, -0.4, 0.4);
  // The finger's area in the image: an ellipse, minutiae at least 10 px apart.
  double ex = f.width * Uniform(rng, 0.40, 0.48), ey = f.height * Uniform(rng, 0.42, 0.49);
  double ox = f.width / 2.0, oy = f.height / 2.0;
  int target = std::uniform_int_distribution<int>(30, 68)(rng);
  for (int attempt = 0; attempt < 5000 && static_cast<int>(f.minutiae.size()) < target; ++attempt) {
    double x = Uniform(rng, 0, f.width), y = Uniform(rng, 0, f.height);
    double u = (x - ox) / ex, v = (y - oy) / ey;
    if (u * u + v * v > 1) continue;
    bool close = false;
    for (const auto& m : f.minutiae) {
      double ddx = m.x - x, ddy = m.y - y;
      if (ddx * ddx + ddy * ddy < 100) close = true;
    }
    if (close) continue;
    double orientation =
        0.5 * (std::atan2(y - cy, x - cx) - std::atan2(y - dy, x - dx)) + tilt + Uniform(rng, -0.15, 0.15);
    if (rng() & 1) orientation += kPi;  // ridge endings and bifurcations point either way
    Minutia m;
    m.x = static_cast<uint16_t>(std::clamp<long>(std::lround(x), 0, f.width - 1));
    m.y = static_cast<uint16_t>(std::clamp<long>(std::lround(y), 0, f.height - 1));
    m.angle = ToUnits(orientation);
    m.type = (rng() & 1) ? MinutiaType::kEnding : MinutiaType::kBifurcation;
    f.minutiae.push_back(m);
  }
  return f;
}

Template Impression(const Finger& finger, std::mt19937_64& rng, const Distortion& d) {
  Template t;
  t.width = finger.width;
  t.height = finger.height;
  double rot = Uniform(rng, -d.max_rotation_deg, d.max_rotation_deg) * kPi / 180.0;
  double tx = Uniform(rng, -d.max_translation_px, d.max_translation_px);
  double ty = Uniform(rng, -d.max_translation_px, d.max_translation_px);
  double scale = 1 + Uniform(rng, -d.max_scale, d.max_scale);
  double drop = Uniform(rng, d.drop_min, d.drop_max);
  double c = std::cos(rot) * scale, s = std::sin(rot) * scale;
  double ox = finger.width / 2.0, oy = finger.height / 2.0;
  double jitter_angle = d.angle_jitter_deg * kPi / 180.0;
  std::vector<Minutia> out;
  for (const Minutia& m : finger.minutiae) {
    if (Uniform(rng, 0, 1) < drop) continue;
    double x = m.x - ox, y = m.y - oy;
    double nx = c * x - s * y + ox + tx + Uniform(rng, -d.jitter_px, d.jitter_px);
    double ny = s * x + c * y + oy + ty + Uniform(rng, -d.jitter_px, d.jitter_px);
    if (nx < 0 || ny < 0 || nx > finger.width - 1 || ny > finger.height - 1) continue;
    Minutia n = m;
    n.x = static_cast<uint16_t>(std::lround(nx));
    n.y = static_cast<uint16_t>(std::lround(ny));
    n.angle = static_cast<uint8_t>(m.angle + ToUnits(rot + Uniform(rng, -jitter_angle, jitter_angle)));
    out.push_back(n);
  }
  size_t spurious = static_cast<size_t>(std::lround(Uniform(rng, 0, d.spurious_max) * static_cast<double>(out.size())));
  for (size_t i = 0; i < spurious; ++i) {
    Minutia n;
    n.x = static_cast<uint16_t>(std::uniform_int_distribution<int>(20, finger.width - 21)(rng));
    n.y = static_cast<uint16_t>(std::uniform_int_distribution<int>(20, finger.height - 21)(rng));
    n.angle = static_cast<uint8_t>(rng() & 0xff);
    n.type = MinutiaType::kUnknown;
    out.push_back(n);
  }
  std::shuffle(out.begin(), out.end(), rng);  // capture order carries no information
  if (out.size() > kMaxMinutiae) out.resize(kMaxMinutiae);
  t.views.push_back(std::move(out));
  return t;
}

}  // namespace dancu::identify::synthetic
