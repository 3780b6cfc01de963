// Synthetic fingers for tests and benchmarks: not a fingerprint model, but minutiae with the
// counts, spacing and locally coherent directions of 500 dpi flat impressions (FVC-like, images
// ~300×300 to 388×374 px, 25–60 minutiae), and impressions distorted the way a second capture is:
// rotated, shifted, slightly stretched, minutiae moved and turned a little, some lost, some
// spurious, some outside the image.
//
// Deterministic for a given seed and standard library. Thread-safety: pure functions of their
// arguments (each caller owns its generator).
#pragma once

#include <cstdint>
#include <random>

#include "devices/identify/template.h"

namespace dancu::identify::synthetic {

// A finger: its image size and every minutia the skin has (more than any one impression shows).
struct Finger {
  uint16_t width = 0, height = 0;
  std::vector<Minutia> minutiae;
};

struct Distortion {
  double max_rotation_deg = 20;
  double max_translation_px = 25;
  double max_scale = 0.03;     // ±3 % stretch
  double drop_min = 0.10, drop_max = 0.20;  // share of minutiae lost
  double spurious_max = 0.10;  // spurious minutiae, as a share of the kept ones
  double jitter_px = 4;        // each coordinate moves uniformly within ±jitter_px
  double angle_jitter_deg = 10;
};

// The mild distortion of an enrollment capture (used for gallery templates).
Distortion EnrollmentCapture();

Finger MakeFinger(std::mt19937_64& rng);

// One impression of `finger` under `d`, as a one-view template.
Template Impression(const Finger& finger, std::mt19937_64& rng, const Distortion& d);

}  // namespace dancu::identify::synthetic
