// dancu-bench-identify: the 1:N duplicate check's figures for docs/performance.md (issue 11).
//
// Synthetic but realistic galleries (devices/identify/synthetic.h: 25–60 minutiae per impression,
// FVC-sized images, locally coherent directions), two index fingers per person. Templates are
// serialised as the store would hold them; the timed rebuild parses them and builds the index.
// Probes are fresh, distorted impressions of enrolled people (rotation ±20°, shift ±25 px,
// stretch ±3 %, 10–20 % of minutiae lost, up to 10 % spurious, ±4 px and ±10° jitter), and as
// many probes of people never enrolled, to check the decision threshold.
//
//   dancu-bench-identify --gallery 40000 [--probes 200] [--shards 1] [--seed 1] [--json]
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "devices/identify/identifier.h"
#include "devices/identify/synthetic.h"

namespace {

using namespace dancu::identify;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// The process's resident memory, from /proc/self/status (kB → MB).
double RssMb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

std::string RecordId(size_t person) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "r%09zu", person);
  return buf;
}

std::mt19937_64 PersonRng(uint64_t seed, size_t person, uint64_t stream) {
  std::seed_seq seq{seed, static_cast<uint64_t>(person), stream};
  return std::mt19937_64(seq);
}

// Person p's two index fingers (deterministic in seed and p).
std::pair<synthetic::Finger, synthetic::Finger> Fingers(uint64_t seed, size_t person) {
  auto rng = PersonRng(seed, person, 0);
  synthetic::Finger right = synthetic::MakeFinger(rng);
  synthetic::Finger left = synthetic::MakeFinger(rng);
  return {std::move(right), std::move(left)};
}

template <typename Fn>
void Parallel(size_t n, Fn fn) {
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (size_t i = t; i < n; i += threads) fn(i);
    });
  for (auto& th : pool) th.join();
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dancu-bench-identify: 1:N fingerprint identification figures"};
  size_t gallery = 40000, probes = 200, shards = 1, shortlist = 100, verify = 50, threads = 0;
  uint64_t seed = 1;
  bool json = false;
  app.add_option("--gallery", gallery, "enrolled fingers (two index fingers per person)");
  app.add_option("--probes", probes, "searches of enrolled people (and as many of others)");
  app.add_option("--shards", shards, "in-process shards");
  app.add_option("--shortlist", shortlist, "fingers each shard's index shortlists per probe finger");
  app.add_option("--verify", verify, "records each shard verifies");
  app.add_option("--threads", threads, "worker threads (0: all cores)");
  app.add_option("--seed", seed, "generator seed");
  app.add_flag("--json", json, "machine-readable output");
  CLI11_PARSE(app, argc, argv);
  const size_t persons = std::max<size_t>(1, gallery / 2);
  probes = std::min(probes, persons);
  const double rss_before = RssMb();  // RSS delta: what the gallery keeps once generation is freed

  // The store's view: serialised templates.
  auto t0 = Clock::now();
  std::vector<std::string> stored(persons * 2);
  Parallel(persons, [&](size_t p) {
    auto [right, left] = Fingers(seed, p);
    auto rng = PersonRng(seed, p, 1);
    stored[2 * p] = Serialize(synthetic::Impression(right, rng, synthetic::EnrollmentCapture())).value();
    stored[2 * p + 1] = Serialize(synthetic::Impression(left, rng, synthetic::EnrollmentCapture())).value();
  });
  double generate_s = Seconds(t0);
  size_t minutiae = 0;
  for (const auto& s : stored) minutiae += (s.size() - 10) / 6;  // header 10 bytes, one view

  // The rebuild at start: parse every template, build the index.

  Identifier identifier(IdentifierOptions{.shards = shards, .threads = threads, .shortlist = shortlist, .verify = verify});
  t0 = Clock::now();
  std::vector<Enrollment> enrollments(stored.size());
  Parallel(stored.size(), [&](size_t i) {
    enrollments[i].record_id = RecordId(i / 2);
    enrollments[i].position = i % 2 ? FingerPosition::kLeftIndex : FingerPosition::kRightIndex;
    enrollments[i].print = Parse(stored[i]).value();
  });
  if (auto built = identifier.Build(std::move(enrollments)); !built.ok()) {
    std::cerr << "build: " << built.error().message << "\n";
    return 1;
  }
  const double build_s = Seconds(t0);
  std::vector<std::string>().swap(stored);
  malloc_trim(0);  // hand back what the rebuild freed, so RSS shows what the gallery keeps
  const double rss_after = RssMb();

  // Searches: mates (fresh impressions of enrolled people) and non-mates (never enrolled).
  std::vector<double> latency;
  size_t rank1 = 0, hits = 0, false_duplicates = 0;
  std::vector<double> nonmate_top;
  for (size_t i = 0; i < 2 * probes; ++i) {
    bool mated = i < probes;
    size_t person = mated ? (i * persons) / probes : persons + i;
    auto [right, left] = Fingers(seed, person);
    auto rng = PersonRng(seed, person, 2);
    std::vector<ProbeFinger> probe(2);
    probe[0] = {FingerPosition::kRightIndex, synthetic::Impression(right, rng, synthetic::Distortion{})};
    probe[1] = {FingerPosition::kLeftIndex, synthetic::Impression(left, rng, synthetic::Distortion{})};
    auto q0 = Clock::now();
    auto result = identifier.Identify(probe);
    double ms = Seconds(q0) * 1e3;
    if (!result.ok()) {  // a probe impression with too few minutiae: the officer would re-take it
      std::cerr << "probe " << i << ": " << result.error().message << "\n";
      continue;
    }
    latency.push_back(ms);
    const auto& r = result.value();
    if (mated) {
      if (!r.candidates.empty() && r.candidates[0].record_id == RecordId(person)) ++rank1;
      if (r.duplicate && r.candidates[0].record_id == RecordId(person)) ++hits;
    } else {
      nonmate_top.push_back(r.candidates.empty() ? 0 : r.candidates[0].score);
      if (r.duplicate) ++false_duplicates;
    }
  }

  const double threshold = Identifier::Threshold(identifier.fingers(), 2);
  nlohmann::json out = {
      {"gallery_fingers", identifier.fingers()},
      {"records", identifier.records()},
      {"mean_minutiae", static_cast<double>(minutiae) / static_cast<double>(2 * persons)},
      {"shards", shards},
      {"threads", threads ? threads : std::max(1u, std::thread::hardware_concurrency())},
      {"shortlist", shortlist},
      {"verify", verify},
      {"generate_s", generate_s},
      {"build_s", build_s},
      {"memory_mb", static_cast<double>(identifier.MemoryBytes()) / 1e6},
      {"index_mb", static_cast<double>(identifier.IndexMemoryBytes()) / 1e6},
      {"rss_delta_mb", rss_after - rss_before},
      {"rss_mb", rss_after},
      {"probes", probes},
      {"p50_ms", Percentile(latency, 0.50)},
      {"p99_ms", Percentile(latency, 0.99)},
      {"max_ms", Percentile(latency, 1.0)},
      {"rank1", static_cast<double>(rank1) / static_cast<double>(probes)},
      {"threshold", threshold},
      {"tpir", static_cast<double>(hits) / static_cast<double>(probes)},
      {"fpir", static_cast<double>(false_duplicates) / static_cast<double>(probes)},
      {"nonmate_top_max", Percentile(nonmate_top, 1.0)},
      {"nonmate_top_p99", Percentile(nonmate_top, 0.99)},
  };
  if (json) {
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::printf("gallery: %zu fingers of %zu people, %.1f minutiae per finger, %zu shard(s), %zu threads\n",
              identifier.fingers(), identifier.records(), out["mean_minutiae"].get<double>(), shards,
              out["threads"].get<size_t>());
  std::printf("rebuild (parse + index): %.2f s   (generation %.2f s, not counted)\n", build_s, generate_s);
  std::printf("memory: %.1f MB estimated (index %.1f MB), process RSS +%.1f MB (VmRSS, after malloc_trim)\n",
              out["memory_mb"].get<double>(), out["index_mb"].get<double>(), rss_after - rss_before);
  std::printf("check latency over %zu searches: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", latency.size(),
              out["p50_ms"].get<double>(), out["p99_ms"].get<double>(), out["max_ms"].get<double>());
  std::printf("mated searches: rank-1 %.1f %%, found as duplicate %.1f %% (threshold %.1f)\n",
              100 * out["rank1"].get<double>(), 100 * out["tpir"].get<double>(), threshold);
  std::printf("non-mated searches: %zu false duplicates of %zu (best non-mate score p99 %.0f, max %.0f)\n",
              false_duplicates, probes, out["nonmate_top_p99"].get<double>(), out["nonmate_top_max"].get<double>());
  return 0;
}
