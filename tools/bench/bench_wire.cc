// dancu-bench-wire: the replication wire's figures for docs/performance.md (issue 3).
//
// Generates residents with the real generator, appends them to a store as a commune would (bulk
// import batches, and one change per batch as at the counter), cuts the log into segments as a
// link sends them, and measures: bytes per change on the wire, the overhead beyond the compressed
// payload, the size of an "already in sync" exchange for N origins, and segment encode, decode and
// verify throughput. Prints Markdown tables.
//
//   dancu-bench-wire [--residents 20000] [--counter-residents 2000] [--seed 1]
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

#include "node/certificates.h"
#include "node/resident_drafts.h"
#include "replication/messages.h"
#include "replication/segment_cutter.h"
#include "storage/log_format.h"
#include "storage/partial_date.h"
#include "storage/store.h"
#include "tools/bench/bench_support.h"
#include "tools/gen/resident_generator.h"

namespace dancu::tools {
namespace {

using bench::Check;
using bench::Clock;
using bench::CurveFrameBytes;
using bench::Seconds;


struct Log {
  uint64_t origin = 0;
  storage::PublicKey key{};
  std::vector<std::string> entries;
  std::map<uint64_t, std::string> checkpoints;
  std::unique_ptr<storage::Store> store;  // for the proofs, which come from the origin's tree
};

// Appends the residents to a fresh store in batches of `batch` and reads the log back.
Log AppendInBatches(const std::vector<nlohmann::json>& residents, size_t batch, const std::string& dir) {
  storage::StoreOptions options;
  options.create_if_missing = true;
  options.sync = false;
  auto store = storage::Store::Open(dir, options);
  Check(store.status(), "opening a store");
  auto key = storage::SigningKey::Generate();
  for (size_t i = 0; i < residents.size(); i += batch) {
    std::vector<storage::Draft> drafts;
    for (size_t j = i; j < std::min(residents.size(), i + batch); ++j) {
      auto made = node::MakeDraft(schema::Operation::CREATE, "", residents[j], "can.bo.a");
      if (made.errors.empty()) drafts.push_back(std::move(made.draft));
    }
    auto outcome = (*store)->Append(drafts, key);
    Check(outcome.status(), "appending");
    if (!outcome->rejected.empty()) {
      const auto& error = outcome->rejected.front().errors.front();
      Check(Status::InvalidArgument(error.field + ": " + error.reason), "a generated resident was refused");
    }
  }
  Log log{key.node_id(), key.public_key(), {}, {}, nullptr};
  Check((*store)->ScanLog([&](uint64_t, uint64_t, std::string_view b) {
    log.entries.emplace_back(b);
    return true;
  }),
        "reading the log");
  Check((*store)->ScanCheckpoints([&](uint64_t, uint64_t seq, std::string_view b) {
    log.checkpoints.emplace(seq, b);
    return true;
  }),
        "reading checkpoints");
  log.store = std::move(store.value());
  return log;
}

struct SegmentFigures {
  std::string label;
  size_t target = 0, changes = 0, segments = 0;
  double entry = 0, payload = 0, wire = 0, replies = 0;  // bytes per change
  double payload_per_segment = 0;
  double encode = 0, decode = 0, verify = 0;             // changes per second
  double encode_mb = 0, decode_mb = 0;                    // MB of entries per second
};

SegmentFigures MeasureSegments(const std::string& label, const Log& log, size_t target) {
  auto start = Clock::now();
  replication::SegmentCutter cutter(log.origin, 0, {.target_bytes = target});
  for (size_t i = 0; i < log.entries.size(); ++i) {
    auto cp = log.checkpoints.find(i + 1);
    Check(cutter.Add(i + 1, log.entries[i], cp == log.checkpoints.end() ? std::string_view() : cp->second),
          "cutting");
  }
  Check(cutter.Finish(), "cutting");
  for (auto& segment : cutter.segments()) {
    auto proof = log.store->RunProof(log.origin, segment.first_seq, segment.last_seq);
    Check(proof.status(), "proving");
    segment.proof = std::move(proof.value());
  }
  double encode_s = Seconds(start);
  const auto& segments = cutter.segments();

  size_t raw = 0, payload = 0, wire = 0;
  for (const auto& e : log.entries) raw += e.size();
  std::vector<std::string> encoded;
  for (const auto& s : segments) {
    encoded.push_back(replication::EncodeSegment(s));
    payload += s.entries.size();
    wire += CurveFrameBytes(encoded.back().size());
  }
  // The receiver's ack and credit for each segment, going the other way.
  size_t replies = segments.size() * (CurveFrameBytes(replication::EncodeAck(log.origin, 1).size()) +
                                      CurveFrameBytes(replication::EncodeCredit(1).size()));

  start = Clock::now();
  std::vector<replication::DecodedSegment> decoded;
  for (const auto& frame : encoded) {
    auto message = replication::DecodeMessage(frame);
    Check(message.status(), "decoding a frame");
    auto segment = replication::DecodeSegment(message->get().getSegment());
    Check(segment.status(), "decoding a segment");
    decoded.push_back(std::move(segment.value()));
  }
  double decode_s = Seconds(start);
  start = Clock::now();
  for (const auto& s : decoded) Check(replication::VerifySegment(s, log.key).status(), "verifying");
  double verify_s = Seconds(start);

  double n = static_cast<double>(log.entries.size());
  SegmentFigures f;
  f.label = label;
  f.target = target;
  f.changes = log.entries.size();
  f.segments = segments.size();
  f.entry = static_cast<double>(raw) / n;
  f.payload = static_cast<double>(payload) / n;
  f.wire = static_cast<double>(wire) / n;
  f.replies = static_cast<double>(replies) / n;
  f.payload_per_segment = static_cast<double>(payload) / static_cast<double>(segments.size());
  f.encode = n / encode_s;
  f.decode = n / decode_s;
  f.verify = n / verify_s;
  f.encode_mb = static_cast<double>(raw) / encode_s / 1e6;
  f.decode_mb = static_cast<double>(raw) / decode_s / 1e6;
  return f;
}

void PrintSegmentFigures(const std::vector<SegmentFigures>& all) {
  std::printf("| log | segment target | changes | segments | entry B/change | compressed B/change "
              "| wire B/change | overhead beyond compressed B/change | ack+credit B/change | compressed B/segment |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& f : all) {
    std::printf("| %s | %zu KiB | %zu | %zu | %.0f | %.1f | %.1f | %.1f | %.1f | %.0f |\n", f.label.c_str(),
                f.target >> 10, f.changes, f.segments, f.entry, f.payload, f.wire, f.wire - f.payload, f.replies,
                f.payload_per_segment);
  }
  std::printf("\n| log | segment target | encode (cut, pack, zstd) | decode (frame, zstd, canonical parse) "
              "| verify (chain, one Ed25519 per segment) |\n");
  std::printf("|---|---|---|---|---|\n");
  for (const auto& f : all) {
    std::printf("| %s | %zu KiB | %.0f changes/s (%.0f MB/s) | %.0f changes/s (%.0f MB/s) | %.0f changes/s |\n",
                f.label.c_str(), f.target >> 10, f.encode, f.encode_mb, f.decode, f.decode_mb, f.verify);
  }
}

// A commune's certificate chain as a hello carries it: central, province, district, commune.
std::string CommuneChain() {
  uint64_t now = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  struct Level {
    schema::Role role;
    const char* unit;
  };
  std::vector<Level> levels = {{schema::Role::CENTRAL, "0"}, {schema::Role::PROVINCE, "01"},
                               {schema::Role::DISTRICT, "001"}, {schema::Role::COMMUNE, "00001"}};
  std::string chain;
  std::optional<node::NodeSecrets> parent_secrets;
  node::NodeConfig parent;
  for (const auto& level : levels) {
    node::NodeSecrets secrets = node::NodeSecrets::Generate();
    node::NodeConfig config;
    config.node_id = secrets.signing.node_id();
    config.role = level.role;
    config.unit = level.unit;
    config.signing_key = secrets.signing.public_key();
    config.curve_key = secrets.curve_public;
    if (!parent_secrets) {
      chain = node::MakeRootChain(config, secrets, now, 365);
    } else {
      auto issued = node::IssueCertificate(parent, *parent_secrets, chain, node::MakeCertificateRequest(config), now, 365);
      Check(issued.status(), "issuing a certificate");
      chain = *issued;
    }
    parent = config;
    parent_secrets.emplace(std::move(secrets));
  }
  return chain;
}

void MeasureInSync() {
  std::string chain = CommuneChain();
  size_t hello = CurveFrameBytes(replication::EncodeHello({1, 0, "00001", chain}).size());
  std::printf("\n| origins in scope | version vector frame | in-sync round trip (both vectors, on the wire) | with both hellos |\n");
  std::printf("|---|---|---|---|\n");
  for (uint64_t origins : {1, 4, 10, 40, 100, 1000}) {
    storage::VersionVector vv;
    for (uint64_t o = 1; o <= origins; ++o) vv[o * 0x9e3779b97f4a7c15ull] = 1'000'000;
    size_t frame = replication::EncodeVersionVector(vv).size();
    size_t round_trip = 2 * CurveFrameBytes(frame);
    std::printf("| %llu | %zu B | %zu B | %zu B |\n", static_cast<unsigned long long>(origins), frame, round_trip,
                round_trip + 2 * hello);
  }
  std::printf("\nhello with a 4-certificate commune chain: %zu B on the wire (chain %zu B)\n", hello, chain.size());
}

}  // namespace
}  // namespace dancu::tools

int main(int argc, char** argv) {
  using namespace dancu::tools;
  CLI::App app{"dancu-bench-wire: replication wire figures"};
  uint64_t residents = 20000, counter_residents = 2000, seed = 1;
  app.add_option("--residents", residents, "residents imported in batches of 2000");
  app.add_option("--counter-residents", counter_residents, "residents appended one per batch");
  app.add_option("--seed", seed, "generator seed");
  CLI11_PARSE(app, argc, argv);

  auto dir = std::filesystem::temp_directory_path() / ("dancu-bench-wire-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto bulk = AppendInBatches(bench::GenerateResidents(residents, seed), 2000, (dir / "bulk").string());
  auto counter = AppendInBatches(bench::GenerateResidents(counter_residents, seed + 1), 1, (dir / "counter").string());
  std::filesystem::remove_all(dir);

  std::vector<SegmentFigures> figures;
  for (size_t target : {16u << 10, 64u << 10, 256u << 10}) {
    figures.push_back(MeasureSegments("import, batches of 2000", bulk, target));
    figures.push_back(MeasureSegments("counter, 1 change per batch", counter, target));
  }
  PrintSegmentFigures(figures);
  MeasureInSync();
  return 0;
}
