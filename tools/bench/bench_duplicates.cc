// dancu-bench-duplicates: precision and recall of the search for demographic duplicates
// (storage/person_duplicates.h) on planted duplicates, for docs/performance.md.
//
// Generates residents of several communes with the real generator and `--share` of planted
// duplicates (tools/gen/duplicates.h: typos, no or a mistyped number, partial dates, day and month
// swapped), appends them in durable batches of 1,000 to a hub's store (StoreOptions::hub: every
// record is checked against its blocks as the batch is written, exactly as a hub checks what
// replication brings), then compares the duplicate cases raised with the planted pairs. Prints the
// figures (with --json, the keys residents, planted, cases, true_cases, precision, recall,
// residents_per_s).
//
//   dancu-bench-duplicates [--residents 30000] [--share 0.05] [--seed 1] [--units 00004,00715,19456,27697]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "node/resident_drafts.h"
#include "storage/canonical.h"
#include "storage/crypto.h"
#include "storage/ingest.capnp.h"
#include "storage/store.h"
#include "tools/bench/bench_support.h"
#include "tools/gen/resident_generator.h"

namespace dancu::tools {
namespace {

using bench::Check;
using bench::Clock;
using bench::Seconds;
using Pair = std::pair<std::string, std::string>;

Pair Ordered(const std::string& a, const std::string& b) { return a < b ? Pair{a, b} : Pair{b, a}; }

struct Options {
  uint64_t residents = 30'000;
  double share = 0.05;
  uint64_t seed = 1;
  std::vector<std::string> units = {"00004", "00715", "19456", "27697"};
  bool json = false;
};

int Run(const Options& o) {
  const std::string dir = (std::filesystem::temp_directory_path() / ("dancu-bench-dup-" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  storage::StoreOptions store_options;
  store_options.create_if_missing = true;
  store_options.hub = true;
  auto store = storage::Store::Open(dir, store_options);
  Check(store.status(), "opening the hub's store");
  const storage::SigningKey key = storage::SigningKey::Generate();

  std::set<Pair> planted;
  uint64_t appended = 0;
  double append_s = 0;
  for (size_t u = 0; u < o.units.size(); ++u) {
    GeneratorOptions g;
    g.unit = o.units[u];
    g.count = o.residents / o.units.size();
    g.seed = o.seed + u;
    g.duplicate_share = o.share;
    g.today = storage::TodayInVietnam(std::chrono::system_clock::now());
    std::ostringstream out;
    std::vector<int64_t> duplicate_of;
    Check(WriteResidents(g, out, nullptr, &duplicate_of), "generating residents");
    std::istringstream lines(out.str());
    std::vector<std::string> ids(duplicate_of.size());  // record id of each line, "" if refused
    std::vector<storage::Draft> batch;
    std::vector<size_t> batch_lines;
    size_t line_no = 0;
    auto flush = [&] {
      const auto start = Clock::now();
      auto outcome = (*store)->Append(batch, key);
      append_s += Seconds(start);
      Check(outcome.status(), "appending residents");
      for (const auto& accepted : outcome->accepted) ids[batch_lines[accepted.draft_index]] = accepted.record_id;
      for (const auto& rejected : outcome->rejected) {
        std::fprintf(stderr, "line %zu refused: %s %s\n", batch_lines[rejected.draft_index],
                     rejected.errors[0].field.c_str(), rejected.errors[0].reason.c_str());
      }
      appended += outcome->accepted.size();
      batch.clear();
      batch_lines.clear();
    };
    for (std::string line; std::getline(lines, line); ++line_no) {
      auto made = node::MakeDraft(schema::Operation::CREATE, "", nlohmann::json::parse(line), "bench",
                                  schema::OfficerRole::OPERATOR);
      if (!made.errors.empty()) {
        std::fprintf(stderr, "line %zu refused: %s %s\n", line_no, made.errors[0].field.c_str(), made.errors[0].reason.c_str());
        continue;
      }
      batch.push_back(std::move(made.draft));
      batch_lines.push_back(line_no);
      if (batch.size() == 1000) flush();
    }
    if (!batch.empty()) flush();
    for (size_t i = 0; i < duplicate_of.size(); ++i) {
      if (duplicate_of[i] >= 0 && !ids[i].empty() && !ids[static_cast<size_t>(duplicate_of[i])].empty()) {
        planted.insert(Ordered(ids[i], ids[static_cast<size_t>(duplicate_of[i])]));
      }
    }
  }

  std::set<Pair> cases;
  Check((*store)->ScanConflicts("", [&](std::string_view, std::string_view bytes) {
    auto c = storage::Parsed<schema::Conflict>::Parse(bytes, "conflict");
    if (c.ok() && c->get().getKind() == schema::ConflictKind::DUPLICATE_PERSON) {
      cases.insert(Ordered(c->get().getRecordId().cStr(), c->get().getOtherRecordId().cStr()));
    }
    return true;
  }), "reading the cases");
  size_t true_cases = 0;
  for (const Pair& p : cases) true_cases += planted.count(p);
  const double precision = cases.empty() ? 1 : static_cast<double>(true_cases) / static_cast<double>(cases.size());
  const double recall = planted.empty() ? 1 : static_cast<double>(true_cases) / static_cast<double>(planted.size());
  const double rate = static_cast<double>(appended) / append_s;
  store->reset();
  std::filesystem::remove_all(dir);
  if (o.json) {
    nlohmann::json j = {{"residents", appended}, {"planted", planted.size()}, {"cases", cases.size()},
                        {"true_cases", true_cases}, {"precision", precision}, {"recall", recall},
                        {"residents_per_s", rate}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("residents %llu, planted duplicates %zu, cases %zu (%zu planted)\n",
                static_cast<unsigned long long>(appended), planted.size(), cases.size(), true_cases);
    std::printf("precision %.2f %%, recall %.2f %%, %.0f residents/s appended with the check\n", 100 * precision,
                100 * recall, rate);
  }
  return 0;
}

}  // namespace
}  // namespace dancu::tools

int main(int argc, char** argv) {
  dancu::tools::Options o;
  CLI::App app("precision and recall of the demographic duplicate search on planted duplicates");
  app.add_option("--residents", o.residents, "residents over all the communes");
  app.add_option("--share", o.share, "share of planted duplicates, 0 to 1");
  app.add_option("--seed", o.seed, "random seed");
  app.add_option("--units", o.units, "communes to generate")->delimiter(',');
  app.add_flag("--json", o.json, "one JSON object");
  CLI11_PARSE(app, argc, argv);
  return dancu::tools::Run(o);
}
