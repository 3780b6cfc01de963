// SIGKILL a real `dancu import` at random points, many times: after each kill the log verifies and
// every resident whose batch was acknowledged is there; in the end every resident is there once.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "storage/log_verify.h"
#include "storage/store.h"
#include "tests/support/process.h"
#include "tests/support/test_node.h"

namespace dancu::testing {
namespace {

using nlohmann::json;

constexpr int kResidents = 6000;
constexpr int kKills = 12;

TEST_CASE("killing an import at random points loses nothing that was acknowledged") {
  TempDir dir;
  const std::string data = dir.Sub("node"), input = dir.Sub("residents.jsonl");
  ProcessOptions env;
  env.env = {{"DANCU_PASSWORD", "mật khẩu của An"}, {"DANCU_OFFICER", "officer.an"}};
  REQUIRE(RunDancu({"init", "--data", data, "--role", "commune", "--unit", "00715"}).exit_code == 0);
  REQUIRE(RunDancu({"officer", "add", "--data", data, "--name", "officer.an"}, env).exit_code == 0);
  auto generated = RunDancu({"gen", "residents", "--unit", "00715", "--count", std::to_string(kResidents),
                             "--seed", "7"});
  REQUIRE(generated.exit_code == 0);
  { std::ofstream(input) << generated.out; }

  // Citizen numbers by line, to check what each acknowledgement covers.
  std::vector<std::string> citizen_by_line = {""};
  std::istringstream lines(generated.out);
  for (std::string line; std::getline(lines, line);) {
    citizen_by_line.push_back(json::parse(line).value("citizen_no", ""));
  }

  std::mt19937 rng(20261122);
  uint64_t kills_after_progress = 0;
  for (int round = 0; round < kKills; ++round) {
    INFO("round " << round);
    DancuProcess import({"import", "--data", data, "--json", "--batch", "250", input}, env);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50 + rng() % 1500);
    uint64_t acknowledged_lines = 0;
    bool open = true;
    while (open && std::chrono::steady_clock::now() < deadline) {
      open = import.ReadLines(10, [&](const std::string& line) {
        json event = json::parse(line);
        if (event["event"] == "committed") acknowledged_lines = event["lines"];
      });
    }
    import.Kill();
    kills_after_progress += acknowledged_lines > 0;

    auto verify = RunDancu({"log", "verify", "--data", data});
    INFO(verify.out << verify.err);
    REQUIRE(verify.exit_code == 0);

    // Every line up to the last acknowledged one is durable (the generator's lines are all valid).
    storage::StoreOptions options;
    auto store = storage::Store::Open(data + "/db", options);
    REQUIRE(store.ok());
    for (uint64_t line = 1; line <= acknowledged_lines; ++line) {
      if (citizen_by_line[line].empty()) continue;
      auto found = (*store)->FindCitizenNo(citizen_by_line[line]);
      REQUIRE(found.ok());
      INFO("line " << line);
      REQUIRE(found->has_value());
    }
  }
  CHECK(kills_after_progress > 0);

  // A last run to the end completes the import: each resident with a citizen number once.
  auto finish = RunDancu({"import", "--data", data, "--json", input}, env);
  REQUIRE((finish.exit_code == 0 || finish.exit_code == 3));
  storage::StoreOptions options;
  auto store = storage::Store::Open(data + "/db", options);
  REQUIRE(store.ok());
  for (size_t line = 1; line < citizen_by_line.size(); ++line) {
    if (citizen_by_line[line].empty()) continue;
    auto found = (*store)->FindCitizenNo(citizen_by_line[line]);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
  }
  store->reset();
  CHECK(RunDancu({"log", "verify", "--data", data}).exit_code == 0);
}

}  // namespace
}  // namespace dancu::testing
