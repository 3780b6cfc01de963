// dancu sim: the deterministic network simulator (tools/sim/simulation.h, docs/simulator.md).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "tools/dancu/cli.h"
#include "tools/sim/simulation.h"

namespace dancu::tools {

namespace {

struct SimOptions {
  uint64_t seed = 1;
  std::string seeds;  // "A-B"
  sim::WorldShape shape;
  sim::SimConfig config;
  std::string dir;
  bool keep = false;
  bool trace = false;
  bool json = false;
};

Result<std::pair<uint64_t, uint64_t>> ParseRange(const std::string& text) {
  const auto dash = text.find('-');
  try {
    if (dash == std::string::npos) {
      const uint64_t one = std::stoull(text);
      return std::pair{one, one};
    }
    const uint64_t first = std::stoull(text.substr(0, dash)), last = std::stoull(text.substr(dash + 1));
    if (last < first) return Status::InvalidArgument("--seeds A-B needs A <= B");
    return std::pair{first, last};
  } catch (const std::exception&) {
    return Status::InvalidArgument("--seeds takes A-B, for example 1-1000");
  }
}

std::string ReplayCommand(const SimOptions& o, uint64_t seed) {
  return "dancu sim --seed " + std::to_string(seed) + " --provinces " + std::to_string(o.shape.provinces) +
         " --districts " + std::to_string(o.shape.districts) + " --communes " + std::to_string(o.shape.communes) +
         " --days " + std::to_string(o.config.days) + " --events-per-day " +
         std::to_string(o.config.officer_events_per_day) + " --forge " + std::to_string(o.config.forge_per_seed) +
         " --drop " + std::to_string(o.config.faults.drop) + " --duplicate " + std::to_string(o.config.faults.duplicate) +
         " --reorder " + std::to_string(o.config.faults.reorder) + " --trace";
}

int Run(SimOptions& o) {
  std::pair<uint64_t, uint64_t> range{o.seed, o.seed};
  if (!o.seeds.empty()) {
    auto parsed = ParseRange(o.seeds);
    if (!parsed.ok()) {
      std::cerr << "dancu: error: " << parsed.status().message() << "\n";
      return kExitUsage;
    }
    range = *parsed;
  }
  namespace fs = std::filesystem;
  std::string base = o.dir;
  if (base.empty()) {
    // tmpfs when there is one: the simulator does not model power loss, so fsync need not cost.
    std::error_code ec;
    const fs::path tmp = fs::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0
                             ? fs::path("/dev/shm")
                             : fs::temp_directory_path();
    std::string pattern = (tmp / "dancu-sim-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "dancu: error: cannot create a temporary directory\n";
      return kExitFailure;
    }
    base = pattern;
  }
  if (o.trace) o.config.trace = [](const std::string& line) { std::cerr << line << "\n"; };
  const auto started = std::chrono::steady_clock::now();
  auto world = sim::WorldTemplate::Build(o.shape, base + "/template");
  if (!world.ok()) {
    std::cerr << "dancu: error: " << world.status().ToString() << "\n";
    return kExitFailure;
  }
  uint64_t failed = 0, runs = 0;
  for (uint64_t seed = range.first; seed <= range.second; ++seed) {
    o.config.seed = seed;
    const auto t0 = std::chrono::steady_clock::now();
    auto result = sim::RunSeed(**world, o.config, base + "/seed-" + std::to_string(seed), o.keep);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++runs;
    if (!result.ok()) {
      std::cerr << "dancu: error: seed " << seed << ": " << result.status().ToString() << "\n";
      ++failed;
      continue;
    }
    if (!result->ok) ++failed;
    if (o.json) {
      nlohmann::json line = {{"seed", seed},
                             {"ok", result->ok},
                             {"events", result->events},
                             {"changes", result->appends},
                             {"sessions_synced", result->sessions_synced},
                             {"sessions_cut", result->sessions_cut},
                             {"crashes", result->crashes},
                             {"forged", result->forged},
                             {"restores", result->restores},
                             {"bundles", result->bundles},
                             {"quarantined", result->quarantined},
                             {"digests", result->digests},
                             {"seconds", secs}};
      char hash[17];
      std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(result->trace_hash));
      line["trace_hash"] = hash;
      if (!result->ok) line["failure"] = result->failure;
      PrintJson(line);
    } else {
      char took[32];
      std::snprintf(took, sizeof took, "  %.2f s", secs);
      std::cout << sim::Summary(seed, *result) << took << std::endl;
      if (!result->ok) std::cout << "  replay: " << ReplayCommand(o, seed) << std::endl;
    }
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!o.json && runs > 1) {
    std::printf("%llu seeds, %llu failed, %.1f s\n", static_cast<unsigned long long>(runs),
                static_cast<unsigned long long>(failed), total);
  }
  if (!o.keep && o.dir.empty()) {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void AddSimCommands(CLI::App& app, Runner& runner) {
  auto o = std::make_shared<SimOptions>();
  auto* cmd = app.add_subcommand("sim", "deterministic simulation of a whole network of real nodes (docs/simulator.md)");
  cmd->add_option("--seed", o->seed, "the seed: the run depends on it alone (default 1)");
  cmd->add_option("--seeds", o->seeds, "a range of seeds A-B, each run in turn");
  cmd->add_option("--provinces", o->shape.provinces, "provinces (default 2)");
  cmd->add_option("--districts", o->shape.districts, "districts, spread over the provinces (default 4)");
  cmd->add_option("--communes", o->shape.communes, "communes, spread over the districts (default 40)");
  cmd->add_option("--days", o->config.days, "simulated days before healing (default 10)");
  cmd->add_option("--events-per-day", o->config.officer_events_per_day,
                  "officer actions per simulated day (default 0: 5 per commune + 10)");
  cmd->add_option("--drop", o->config.faults.drop, "probability that a frame is lost");
  cmd->add_option("--duplicate", o->config.faults.duplicate, "probability that a frame arrives twice");
  cmd->add_option("--reorder", o->config.faults.reorder, "probability that a frame arrives out of order");
  cmd->add_option("--forge", o->config.forge_per_seed, "probability of a forged change in a run (default 0.3)");
  cmd->add_option("--restore", o->config.restore_per_seed,
                  "probability that a commune is restored from an older copy of its data in a run (default 0.3)");
  cmd->add_option("--dir", o->dir, "work directory (default: a new temporary one, removed afterwards)");
  cmd->add_flag("--keep", o->keep, "keep each seed's node directories");
  cmd->add_flag("--trace", o->trace, "print every event of the trace on stderr");
  cmd->add_flag("--json", o->json, "one JSON object per seed");
  cmd->callback([o, &runner] { runner.Set(Run(*o)); });
}

}  // namespace dancu::tools
