// dancu bundle export|import as officers run them: a commune with no link reaches its district on
// a USB stick; a second import, a truncated file and a bundle for another node each get a clear
// answer and change nothing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_node.h"

namespace dancu::testing {
namespace {

using nlohmann::json;

ProcessResult Expect(const std::vector<std::string>& args, int exit_code) {
  ProcessOptions options;
  options.env.emplace("DANCU_PASSWORD", "mật khẩu của An");
  options.env.emplace("DANCU_OFFICER", "officer.an");
  ProcessResult r = RunDancu(args, options);
  INFO("dancu " << args.front() << " " << (args.size() > 1 ? args[1] : "") << "\nstdout: " << r.out
                << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == exit_code);
  return r;
}

std::string Init(const TempDir& dir, const std::string& name, const std::string& role, const std::string& unit) {
  auto r = Expect({"init", "--data", dir.Sub(name), "--role", role, "--unit", unit, "--json"}, 0);
  return json::parse(r.out)["node_id"];
}

void Certify(const TempDir& dir, const std::string& parent, const std::string& child) {
  Expect({"cert", "request", "--data", dir.Sub(child), "--out", dir.Sub(child + ".req")}, 0);
  Expect({"cert", "issue", "--data", dir.Sub(parent), "--request", dir.Sub(child + ".req"), "--out",
          dir.Sub(child + ".cert")},
         0);
  Expect({"cert", "install", "--data", dir.Sub(child), dir.Sub(child + ".cert")}, 0);
}

std::string StateHash(const std::string& data) {
  return json::parse(Expect({"state-hash", "--data", data, "--json"}, 0).out)["state_hash"];
}

TEST_CASE("a commune reaches its district by bundle; bad bundles are refused and change nothing") {
  TempDir dir;
  Init(dir, "central", "central", "VN");
  const std::string district = Init(dir, "district", "district", "026");
  const std::string commune = Init(dir, "commune", "commune", "00715");
  const std::string other = Init(dir, "other", "commune", "00718");
  Certify(dir, "central", "district");
  Certify(dir, "district", "commune");
  Certify(dir, "district", "other");
  Expect({"officer", "add", "--data", dir.Sub("commune"), "--name", "officer.an"}, 0);
  auto residents = Expect({"gen", "residents", "--unit", "00715", "--count", "40", "--seed", "3"}, 0).out;
  {
    std::ofstream(dir.Sub("residents.jsonl")) << residents;
  }
  Expect({"import", "--data", dir.Sub("commune"), dir.Sub("residents.jsonl"), "--batch", "10"}, 0);

  const std::string stick = dir.Sub("to-district.bundle");
  auto exported = Expect({"bundle", "export", "--data", dir.Sub("commune"), "--for", district, "--out", stick,
                          "--json"},
                         0);
  CHECK(json::parse(exported.out)["changes"] == 40);

  // For another node: refused, with both ids.
  const std::string before_other = StateHash(dir.Sub("other"));
  auto misdirected = Expect({"bundle", "import", "--data", dir.Sub("other"), stick}, 1);
  CHECK_THAT(misdirected.err, Catch::Contains("bundle is for node " + district + ", this is node " + other));
  CHECK(StateHash(dir.Sub("other")) == before_other);

  // Truncated: refused.
  const std::string before = StateHash(dir.Sub("district"));
  std::string bytes;
  {
    std::ifstream in(stick, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  {
    std::ofstream(dir.Sub("cut.bundle"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  auto truncated = Expect({"bundle", "import", "--data", dir.Sub("district"), dir.Sub("cut.bundle")}, 1);
  CHECK_THAT(truncated.err, Catch::Contains("truncated"));
  CHECK(StateHash(dir.Sub("district")) == before);

  auto imported = Expect({"bundle", "import", "--data", dir.Sub("district"), stick}, 0);
  CHECK_THAT(imported.out, Catch::Contains("0 refused"));
  CHECK(StateHash(dir.Sub("district")) == StateHash(dir.Sub("commune")));
  Expect({"log", "verify", "--data", dir.Sub("district")}, 0);

  auto again = Expect({"bundle", "import", "--data", dir.Sub("district"), stick}, 0);
  CHECK_THAT(again.out, Catch::Contains("nothing new"));

  // The receipt rides back; the commune's next bundle is empty.
  Expect({"bundle", "export", "--data", dir.Sub("district"), "--for", commune, "--out", dir.Sub("back.bundle")}, 0);
  Expect({"bundle", "import", "--data", dir.Sub("commune"), dir.Sub("back.bundle")}, 0);
  auto next = Expect({"bundle", "export", "--data", dir.Sub("commune"), "--for", district, "--out",
                      dir.Sub("next.bundle"), "--json"},
                     0);
  CHECK(json::parse(next.out)["segments"] == 0);
}

TEST_CASE("a commune restored from an older copy recovers its own log by bundle, and loses nothing") {
  TempDir dir;
  Init(dir, "central", "central", "VN");
  const std::string district = Init(dir, "district", "district", "026");
  const std::string commune = Init(dir, "commune", "commune", "00715");
  Certify(dir, "central", "district");
  Certify(dir, "district", "commune");
  Expect({"officer", "add", "--data", dir.Sub("commune"), "--name", "officer.an"}, 0);
  const std::string all = Expect({"gen", "residents", "--unit", "00715", "--count", "23", "--seed", "5"}, 0).out;
  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = all.find('\n', at)) != std::string::npos; at = end + 1) lines.push_back(all.substr(at, end - at));
  REQUIRE(lines.size() == 23);
  auto write = [&](const std::string& name, size_t from, size_t to) {
    std::ofstream out(dir.Sub(name));
    for (size_t i = from; i < to; ++i) out << lines[i] << "\n";
    return dir.Sub(name);
  };
  // A stick each way: `from` exports for `to`, `to` imports.
  int sticks = 0;
  auto carry = [&](const std::string& from, const std::string& to_id, const std::string& to) {
    const std::string stick = dir.Sub("stick-" + std::to_string(++sticks));
    Expect({"bundle", "export", "--data", dir.Sub(from), "--for", to_id, "--out", stick}, 0);
    return Expect({"bundle", "import", "--data", dir.Sub(to), stick}, 0);
  };
  Expect({"import", "--data", dir.Sub("commune"), "--batch", "5", write("first.jsonl", 0, 10)}, 0);
  carry("commune", district, "district");
  carry("district", commune, "commune");  // the receipt rides back
  std::filesystem::copy(dir.Sub("commune"), dir.Sub("copy"), std::filesystem::copy_options::recursive);
  Expect({"import", "--data", dir.Sub("commune"), "--batch", "5", write("second.jsonl", 10, 20)}, 0);
  carry("commune", district, "district");

  // Restored from the copy, the commune registers three residents offline.
  std::filesystem::remove_all(dir.Sub("commune"));
  std::filesystem::copy(dir.Sub("copy"), dir.Sub("commune"), std::filesystem::copy_options::recursive);
  Expect({"import", "--data", dir.Sub("commune"), write("offline.jsonl", 20, 23)}, 0);

  auto learnt = carry("district", commune, "commune");  // says the district holds more of its log
  CHECK_THAT(learnt.err, Catch::Contains("beyond its own"));
  carry("commune", district, "district");                // states how much it holds now
  carry("district", commune, "commune");                 // its own entries come back
  carry("commune", district, "district");                // its offline work, authored again
  CHECK(StateHash(dir.Sub("district")) == StateHash(dir.Sub("commune")));
  auto count = [&](const std::string& node) {
    const json report = json::parse(Expect({"report", "--data", dir.Sub(node), "--json"}, 0).out);
    return report["units"][0]["residents"].get<uint64_t>();
  };
  CHECK(count("commune") == 23);
  CHECK(count("district") == 23);
  CHECK(json::parse(Expect({"quarantine", "list", "--data", dir.Sub("district"), "--json"}, 0).out)["quarantine"].empty());
  Expect({"log", "verify", "--data", dir.Sub("commune")}, 0);
  Expect({"log", "verify", "--data", dir.Sub("district")}, 0);
}

}  // namespace
}  // namespace dancu::testing
