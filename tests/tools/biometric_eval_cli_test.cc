// dancu biometric eval as an evaluator runs it: real FVC2002 prints through libfprint's own
// pipeline (virtual_image), our templates, matcher and identifier; bad folders get clear errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "devices/identify/identifier.h"
#include "tests/support/process.h"
#include "tests/support/test_node.h"

namespace dancu::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kFvc = fs::path(DANCU_SHARED_DATA) / "prints/fvc2002/DB1_B";

void CopyFinger(int finger, const fs::path& to, int impressions = 8) {
  fs::create_directories(to);
  for (int i = 1; i <= impressions; ++i) {
    const std::string name = std::to_string(finger) + "_" + std::to_string(i) + ".png";
    fs::copy_file(kFvc / name, to / name);
  }
}

ProcessResult Eval(const std::string& dir, int exit_code) {
  ProcessResult r = RunDancu({"biometric", "eval", "--images", dir, "--json"});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == exit_code);
  return r;
}

}  // namespace

TEST_CASE("biometric eval scores real prints and pools subfolders") {
  if (!fs::exists(kFvc)) {
    WARN("no FVC2002 images at " << kFvc << ": skipped");
    return;
  }
  TempDir dir;
  // Two folders whose fingers share numbers: they are distinct fingers, pooled. A third finger
  // lacks impressions 7–8 and is skipped with a warning.
  CopyFinger(101, dir.Sub("a"));
  CopyFinger(102, dir.Sub("a"));
  CopyFinger(103, dir.Sub("a"), 6);
  fs::create_directories(dir.Sub("b"));
  for (int i = 1; i <= 8; ++i) {
    for (auto [from, to] : {std::pair{103, 101}, std::pair{104, 102}}) {
      fs::copy_file(kFvc / (std::to_string(from) + "_" + std::to_string(i) + ".png"),
                    fs::path(dir.Sub("b")) / (std::to_string(to) + "_" + std::to_string(i) + ".png"));
    }
  }
  ProcessResult r = Eval(dir.path(), 0);
  CHECK(r.err.find("finger a/103 has impressions 1,2,3,4,5,6 of 1–8: skipped") != std::string::npos);
  const json out = json::parse(r.out);
  INFO(out.dump());
  CHECK(out.size() == 8);
  for (const char* key : {"fingers", "genuine", "impostor", "fnmr", "fmr", "eer", "rank1", "threshold"})
    CHECK(out.contains(key));
  CHECK(out["fingers"] == 4);
  CHECK(out["genuine"] == 12);   // 4 fingers × impressions 6–8
  CHECK(out["impostor"] == 36);  // each probe against the 3 other fingers
  CHECK(out["threshold"].get<double>() == identify::Identifier::Threshold(4, 1));  // 4 fingers, 1 probe finger
  for (const char* rate : {"fnmr", "fmr", "eer", "rank1"}) {
    CHECK(out[rate].get<double>() >= 0);
    CHECK(out[rate].get<double>() <= 1);
  }
  // Measured: every probe finds its own finger, no impostor reaches the threshold.
  CHECK(out["rank1"].get<double>() >= 0.9);
  CHECK(out["fmr"].get<double>() == 0);
  CHECK(out["fnmr"].get<double>() <= 0.25);
}

TEST_CASE("biometric eval refuses a missing or empty folder and an image that does not load") {
  TempDir dir;
  ProcessResult missing = Eval(dir.Sub("nowhere"), 1);
  CHECK(json::parse(missing.out)["error"]["message"].get<std::string>().find("no such directory") !=
        std::string::npos);

  fs::create_directories(dir.Sub("empty/sub"));
  ProcessResult empty = Eval(dir.Sub("empty"), 1);
  CHECK(json::parse(empty.out)["error"]["message"].get<std::string>().find("no fingers with impressions 1–8") !=
        std::string::npos);

  if (!fs::exists(kFvc)) return;
  CopyFinger(101, dir.Sub("broken"));
  CopyFinger(102, dir.Sub("broken"));
  fs::remove(dir.Sub("broken/102_7.png"));  // the copies are read-only, as the originals
  std::ofstream(dir.Sub("broken/102_7.png")) << "not a png";
  ProcessResult broken = RunDancu({"biometric", "eval", "--images", dir.Sub("broken")});
  INFO(broken.err);
  CHECK(broken.exit_code == 1);
  CHECK(broken.err.find("cannot load image") != std::string::npos);
  CHECK(broken.err.find("102_7.png") != std::string::npos);
}

}  // namespace dancu::testing
