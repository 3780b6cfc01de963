// What every dancu benchmark program needs: a clock, a fatal check, a generated commune, and the
// size of a frame on a CurveZMQ link.
#pragma once

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/partial_date.h"
#include "storage/status.h"
#include "tools/gen/resident_generator.h"

namespace dancu::tools::bench {

using Clock = std::chrono::steady_clock;
inline double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Benchmarks measure working code: any failure ends the program with its reason.
inline void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::cerr << what << ": " << s.ToString() << "\n";
    std::exit(1);
  }
}

// JSON Lines of `count` residents of Xã Lũng Cú (00715), from the real generator.
inline std::string GenerateCommune(uint64_t count, uint64_t seed) {
  GeneratorOptions options;
  options.unit = "00715";
  options.count = count;
  options.seed = seed;
  options.today = storage::TodayInVietnam(std::chrono::system_clock::now());
  std::ostringstream out;
  Check(WriteResidents(options, out), "generating residents");
  return out.str();
}

// The same residents, one parsed JSON object each.
inline std::vector<nlohmann::json> GenerateResidents(uint64_t count, uint64_t seed) {
  std::vector<nlohmann::json> residents;
  std::istringstream lines(GenerateCommune(count, seed));
  for (std::string line; std::getline(lines, line);) residents.push_back(nlohmann::json::parse(line));
  return residents;
}

// The bytes a frame of `frame` bytes takes on a CurveZMQ link: the ZMTP frame header (9 bytes
// for a long frame, 2 for a short one) and the MESSAGE command: name (8), nonce (8), Poly1305
// tag (16), flags (1).
inline size_t CurveFrameBytes(size_t frame) { return frame + 33 + (frame + 33 > 255 ? 9 : 2); }

}  // namespace dancu::tools::bench
