// dancu-bench-storage: the commune node core's figures for docs/performance.md.
//
// Generates residents with the real generator, imports them through the real import path (JSON
// parsing, validation, durable batches, signed checkpoints), then measures lookups by citizen
// number, name searches, the report (kept per-unit counters, and a recount of every record for
// comparison), a child's scope from the unit-origins index (and the scan it replaced), `log verify`,
// and the peak memory of a fresh process that opens a commune-sized node and answers queries. `log verify` runs in a fresh process of its own, as the
// command does, so that its peak memory (VmHWM) is its own. Prints a Markdown table.
//
//   dancu-bench-storage [--residents 100000] [--rss-residents 20000] [--seed 1]
#include <sys/wait.h>
#include <spawn.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "node/importer.h"
#include "node/node.h"
#include "node/officers.h"
#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/log_verify.h"
#include "storage/name_fold.h"
#include "storage/report.h"
#include "storage/search.h"
#include "tools/bench/bench_support.h"
#include "tools/gen/resident_generator.h"

extern char** environ;

namespace dancu::tools {
namespace {

using bench::Check;
using bench::Clock;
using bench::Seconds;

struct Percentiles {
  double p50_us, p99_us;
};

Percentiles Measure(std::vector<double>& micros) {
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[static_cast<size_t>(q * static_cast<double>(micros.size() - 1))]; };
  return {at(0.50), at(0.99)};
}


struct Generated {
  std::string jsonl;
  std::vector<std::string> citizen_nos;
  std::vector<std::string> name_queries;  // folded names, some with a birth year
};

Generated Generate(uint64_t count, uint64_t seed) {
  Generated g;
  g.jsonl = bench::GenerateCommune(count, seed);
  std::istringstream lines(g.jsonl);
  std::mt19937 rng(static_cast<uint32_t>(seed));
  for (std::string line; std::getline(lines, line);) {
    auto r = nlohmann::json::parse(line);
    if (r.contains("citizen_no")) g.citizen_nos.push_back(r["citizen_no"]);
    std::string q = storage::FoldForSearch(r.value("full_name", ""));
    if (rng() % 2 == 0 && r.contains("birth_date")) q += " " + r["birth_date"].get<std::string>().substr(0, 4);
    g.name_queries.push_back(q);
  }
  return g;
}

// Creates a commune node in `dir` and imports `g` into it; returns residents per second.
double CreateAndImport(const std::string& dir, const Generated& g) {
  std::filesystem::remove_all(dir);
  auto config = node::Node::Init({dir, schema::Role::COMMUNE, "00715", std::nullopt, 0});
  Check(config.status(), "init");
  auto opened = node::Node::Open(dir, node::KeyAccess::kSign, std::nullopt);
  Check(opened.status(), "open");
  std::istringstream in(g.jsonl);
  auto started = Clock::now();
  auto progress = node::ImportJsonLines(**opened, in, {"bench", 2000}, {});
  double seconds = Seconds(started);
  Check(progress.status(), "import");
  return static_cast<double>(progress->accepted) / seconds;
}

// The peak resident set of this process, KiB. VmHWM, not getrusage: ru_maxrss survives execve and
// would report the parent's peak.
long PeakKiB() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// The child process of the memory figure: opens the node and answers queries like a serving node.
int ServeProbe(const std::string& dir, uint64_t seed) {
  auto node = node::Node::Open(dir, node::KeyAccess::kSign, std::nullopt);
  Check(node.status(), "open");
  const storage::Store& store = (*node)->store();
  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::vector<std::string> ids;
  Check(store.ScanIndex("c", [&](std::string_view, std::string_view v) {
    ids.emplace_back(v);
    return true;
  }), "scan");
  for (int i = 0; i < 20000; ++i) {
    auto bytes = store.GetRecord(ids[rng() % ids.size()]);
    Check(bytes.status(), "get");
  }
  for (const char* q : {"nguyen van an", "tran thi", "hoang", "vang a", "lo thi mai 1990"}) {
    for (int i = 0; i < 200; ++i) Check(storage::SearchByName(store, q, 20).status(), "search");
  }
  std::printf("%ld\n", PeakKiB());
  return 0;
}

// The child process of the verify figures: opens the node and runs `log verify` over it, as the
// command does. Prints entries, checkpoints, seconds, the peak before verifying and the peak.
int VerifyProbe(const std::string& dir) {
  auto node = node::Node::Open(dir, node::KeyAccess::kNone, std::nullopt);
  Check(node.status(), "open");
  const long opened_kib = PeakKiB();
  auto started = Clock::now();
  auto verified = storage::VerifyStore((*node)->store(), (*node)->KeyLookup());
  const double seconds = Seconds(started);
  Check(verified.status(), "verify");
  std::printf("%lu %lu %.6f %ld %ld\n", static_cast<unsigned long>(verified->entries),
              static_cast<unsigned long>(verified->checkpoints), seconds, opened_kib, PeakKiB());
  return 0;
}

// Runs this program with `flag dir` and returns what it printed.
std::string RunChild(const std::string& self, const std::string& flag, const std::string& dir) {
  int fds[2];
  if (pipe(fds) != 0) return "";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  std::vector<std::string> args = {self, flag, dir};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), environ) != 0) return "";
  close(fds[1]);
  std::string out;
  char buf[256];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
}

double Ed25519VerifiesPerSecond() {
  storage::SigningKey key = storage::SigningKey::Generate();
  std::string message(200, 'x');
  storage::Signature sig = key.Sign(message);
  const int n = 20000;
  auto started = Clock::now();
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += storage::VerifySignature(key.public_key(), message, sig);
  return ok / Seconds(started);
}

int Run(uint64_t residents, uint64_t rss_residents, uint64_t seed, const std::string& self) {
  const std::string root = (std::filesystem::temp_directory_path() / "dancu-bench-storage").string();
  std::filesystem::create_directories(root);
  const std::string big = root + "/big", small = root + "/small";

  Generated g = Generate(residents, seed);
  const double import_rate = CreateAndImport(big, g);

  auto node = node::Node::Open(big, node::KeyAccess::kNone, std::nullopt);
  Check(node.status(), "open");
  const storage::Store& store = (*node)->store();
  std::mt19937 rng(static_cast<uint32_t>(seed) + 1);
  const auto settle_started = Clock::now();
  while (store.BackgroundWorkPending()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const double settle_seconds = Seconds(settle_started);

  // Measured as a node serves after a restart: a first pass warms the block cache, a second counts.
  std::vector<double> lookup;
  for (int i = 0; i < 40000; ++i) {
    if (i == 20000) lookup.clear();
    const std::string& no = g.citizen_nos[rng() % g.citizen_nos.size()];
    auto started = Clock::now();
    auto id = store.FindCitizenNo(no);
    auto bytes = store.GetRecord(**id);
    auto state = storage::Parsed<schema::RecordState>::Parse(**bytes, "record");
    lookup.push_back(Seconds(started) * 1e6);
    Check(state.status(), "lookup");
  }
  std::vector<double> search;
  for (int i = 0; i < 10000; ++i) {
    if (i == 5000) search.clear();
    const std::string& q = g.name_queries[rng() % g.name_queries.size()];
    auto started = Clock::now();
    auto hits = storage::SearchByName(store, q, 20);
    search.push_back(Seconds(started) * 1e6);
    Check(hits.status(), "search");
  }
  std::vector<double> report;
  for (int i = 0; i < 400; ++i) {
    if (i == 200) report.clear();
    auto started = Clock::now();
    auto kept = storage::BuildReport(store);
    report.push_back(Seconds(started) * 1e6);
    Check(kept.status(), "report");
  }
  auto recount_started = Clock::now();
  auto recounted = storage::RecountReport(store);
  const double recount_seconds = Seconds(recount_started);
  Check(recounted.status(), "recount");
  if (!(*recounted == *storage::BuildReport(store))) Check(Status::Corruption("counters differ from a recount"), "report");

  // A child's scope (node/session_host.h rule c): the unit-origins index, and the scan of every
  // record it replaced.
  std::vector<double> scope;
  for (int i = 0; i < 400; ++i) {
    if (i == 200) scope.clear();
    auto started = Clock::now();
    auto origins = store.OriginsUnder(i % 2 ? "00715" : "026");
    scope.push_back(Seconds(started) * 1e6);
    Check(origins.status(), "scope");
  }
  auto scope_scan_started = Clock::now();
  Check(store.RecountUnitOrigins().status(), "scope scan");
  const double scope_scan_seconds = Seconds(scope_scan_started);

  node->reset();
  unsigned long verified_entries = 0, verified_checkpoints = 0;
  double verify_seconds = 0;
  long verify_opened_kib = -1, verify_peak_kib = -1;
  std::istringstream verify_out(RunChild(self, "--verify-probe", big));
  if (!(verify_out >> verified_entries >> verified_checkpoints >> verify_seconds >> verify_opened_kib >> verify_peak_kib)) {
    Check(Status::Corruption("the verify probe printed no figures"), "verify");
  }

  Generated commune = Generate(rss_residents, seed + 2);
  CreateAndImport(small, commune);
  const long rss = std::atol(RunChild(self, "--serve-probe", small).c_str());

  Percentiles l = Measure(lookup), s = Measure(search), r = Measure(report), c = Measure(scope);
  std::printf("| figure | target | measured |\n|---|---|---|\n");
  std::printf("| bulk import, %lu residents, durable batches of 2,000 | ≥ 50,000 records/s | %.0f records/s |\n",
              static_cast<unsigned long>(residents), import_rate);
  std::printf("| (compactions after the import took another %.1f s in the background) | | |\n", settle_seconds);
  std::printf("| citizen-number lookup (index + record + decode) | p99 ≤ 50 µs | p50 %.1f µs, p99 %.1f µs |\n", l.p50_us, l.p99_us);
  std::printf("| name search, limit 20, half with a birth year | p99 ≤ 2 ms | p50 %.0f µs, p99 %.0f µs |\n", s.p50_us, s.p99_us);
  std::printf("| report from the kept counters (%zu units) | milliseconds at any size | p50 %.0f µs, p99 %.0f µs |\n",
              recounted->units.size(), r.p50_us, r.p99_us);
  std::printf("| the same report recounted from every record (for comparison) | — | %.0f ms |\n", recount_seconds * 1e3);
  std::printf("| a child's scope from the unit-origins index (commune or district) | grows with the units | p50 %.0f µs, p99 %.0f µs |\n",
              c.p50_us, c.p99_us);
  std::printf("| the same found by scanning every record, as before (for comparison) | — | %.0f ms |\n",
              scope_scan_seconds * 1e3);
  std::printf("| peak RSS of a process serving a %lu-resident commune | ≤ 64 MB | %.1f MB |\n",
              static_cast<unsigned long>(rss_residents), static_cast<double>(rss) / 1024.0);
  std::printf("| log verify (%lu entries, %lu signed checkpoints, replay, index check), its own process | ≥ 200,000 entries/s | %.0f entries/s (%.1f s) |\n",
              verified_entries, verified_checkpoints, static_cast<double>(verified_entries) / verify_seconds, verify_seconds);
  std::printf("| peak RSS of that process (after opening the node, before verifying: %.1f MB) | ≤ 256 MB at 10 million records | %.1f MB |\n",
              static_cast<double>(verify_opened_kib) / 1024.0, static_cast<double>(verify_peak_kib) / 1024.0);
  std::printf("| Ed25519 verify, one per change (for comparison) | — | %.0f verifies/s |\n", Ed25519VerifiesPerSecond());
  if (std::getenv("DANCU_BENCH_KEEP") == nullptr) std::filesystem::remove_all(root);
  return 0;
}

}  // namespace
}  // namespace dancu::tools

int main(int argc, char** argv) {
  CLI::App app{"dancu-bench-storage: import, lookup, search, verify and memory figures"};
  uint64_t residents = 100000, rss_residents = 20000, seed = 1;
  std::string probe, verify_probe;
  app.add_option("--residents", residents, "residents to import");
  app.add_option("--rss-residents", rss_residents, "residents of the commune whose serving memory is measured");
  app.add_option("--seed", seed, "generator seed");
  app.add_option("--serve-probe", probe, "internal: the memory probe's child")->group("");
  app.add_option("--verify-probe", verify_probe, "internal: the verify probe's child")->group("");
  CLI11_PARSE(app, argc, argv);
  if (!probe.empty()) return dancu::tools::ServeProbe(probe, seed);
  if (!verify_probe.empty()) return dancu::tools::VerifyProbe(verify_probe);
  return dancu::tools::Run(residents, rss_residents, seed, argv[0]);
}
