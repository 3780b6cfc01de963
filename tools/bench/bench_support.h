// What every dancu benchmark program needs: a clock, a fatal check, and a generated commune.
#pragma once

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

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

}  // namespace dancu::tools::bench
