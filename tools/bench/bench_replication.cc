// dancu-bench-replication: issue 3's replication figures for docs/performance.md.
//
// Builds a certified tree of real nodes (central VN, district 026, commune 00715) on disk, imports
// generated residents into the commune through the real import path, then measures:
//   1. hub ingest: the commune's log cut into segments as a link sends them, decoded, and ingested
//      by the district with Store::Ingest (inclusion proof, tree, signature, certificates, authority, fold,
//      durable sync=true WriteBatch per segment): changes/s; beside it the single-core ceiling of
//      one Ed25519 verify per change (crypto_sign_verify_detached over a change-sized message);
//   2. already in sync: one session between the commune and the district, now holding the same
//      shard, over in-memory frames: frames, bytes (raw and on a CurveZMQ link) and flights;
//   3. initial replication commune -> central over in-memory frames: wire bytes per change beyond
//      the compressed payload, and, with the connection cut at chosen frames, how many segments a
//      resume sends again.
// The links over real processes (64 kbit/s with 500 ms latency; loopback) are in bench_link.sh.
//
//   dancu-bench-replication [--residents 100000] [--seed 1] [--keep DIR]
#include <sodium.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>

#include "node/certificates.h"
#include "node/files.h"
#include "node/importer.h"
#include "node/key_file.h"
#include "node/node.h"
#include "node/session_host.h"
#include "replication/messages.h"
#include "replication/segment.h"
#include "replication/segment_cutter.h"
#include "replication/session.h"
#include "storage/hlc.h"
#include "tools/bench/bench_support.h"

namespace dancu::tools {
namespace {

using bench::Check;
using bench::Clock;
using bench::CurveFrameBytes;
using bench::Seconds;

template <typename T>
T Must(Result<T> result, const char* what) {
  Check(result.status(), what);
  return std::move(result.value());
}

uint64_t NowMs() { return storage::HybridClock::SystemMillis(); }

// What `dancu cert request`, `cert issue` (which also lets the parent know its child) and `cert
// install` do, in process.
void Certify(node::Node& parent, const std::string& parent_dir, const std::string& child_dir) {
  auto parent_config = Must(node::ReadNodeConfig(node::Node::ConfigPath(parent_dir)), "reading a config");
  auto parent_secrets = Must(node::ReadKeyFile(node::Node::KeyPath(parent_dir), std::nullopt), "reading a key");
  auto parent_chain = Must(node::ReadWholeFile(node::Node::ChainPath(parent_dir)), "reading a chain");
  auto child_config = Must(node::ReadNodeConfig(node::Node::ConfigPath(child_dir)), "reading a config");
  auto issued = Must(node::IssueCertificate(parent_config, parent_secrets, parent_chain,
                                            node::MakeCertificateRequest(child_config), NowMs(), 365),
                     "issuing a certificate");
  Check(node::WriteFileAtomically(node::Node::ChainPath(child_dir), issued), "installing a certificate");
  child_config.root_key = parent_config.root_key;
  Check(node::WriteNodeConfig(node::Node::ConfigPath(child_dir), child_config), "installing a certificate");
  Check(parent.directory().AddChain(issued, NowMs()).status(), "adding a child's chain");
}

std::unique_ptr<node::Node> Open(const std::string& dir, bool sync) {
  storage::StoreOptions options;
  options.sync = sync;
  return Must(node::Node::Open(dir, node::KeyAccess::kSign, std::nullopt, options), "opening a node");
}

struct Tree {
  std::string central_dir, district_dir, commune_dir;
  std::unique_ptr<node::Node> central, district, commune;
};

// central VN -> district 026 -> commune 00715, each certified by its parent. The district and
// central write durably (sync=true), as hubs do; the commune's bulk import too.
Tree MakeTree(const std::filesystem::path& dir) {
  Tree t{(dir / "central").string(), (dir / "district").string(), (dir / "commune").string(), {}, {}, {}};
  Check(node::Node::Init({t.central_dir, schema::Role::CENTRAL, "VN", std::nullopt, NowMs()}).status(), "init");
  Check(node::Node::Init({t.district_dir, schema::Role::DISTRICT, "026", std::nullopt, NowMs()}).status(), "init");
  Check(node::Node::Init({t.commune_dir, schema::Role::COMMUNE, "00715", std::nullopt, NowMs()}).status(), "init");
  {
    auto central = Open(t.central_dir, true);
    Certify(*central, t.central_dir, t.district_dir);
    auto district = Open(t.district_dir, true);
    Certify(*district, t.district_dir, t.commune_dir);
  }
  t.central = Open(t.central_dir, true);
  t.district = Open(t.district_dir, true);
  t.commune = Open(t.commune_dir, true);
  return t;
}

// ---------------------------------------------------------------------------------------------
// 1. Hub ingest.

struct IngestFigures {
  uint64_t changes = 0, segments = 0;
  double cut_decode_s = 0, ingest_s = 0;
  double verifies_per_s = 0;
  size_t change_bytes = 0;
};

IngestFigures MeasureIngest(node::Node& commune, node::Node& hub) {
  IngestFigures f;
  const uint64_t origin = commune.config().node_id;
  // Cut and encode as the sender does, decode as the receiver does (not timed as ingest).
  auto start = Clock::now();
  auto segments = Must(replication::CutSegments(commune.store(), origin, 0, SIZE_MAX), "cutting the log");
  std::vector<storage::IncomingRun> runs;
  size_t entry_bytes = 0;
  for (const auto& s : segments) {
    auto frame = replication::EncodeSegment(s);
    auto message = Must(replication::DecodeMessage(frame), "decoding a frame");
    auto decoded = Must(replication::DecodeSegment(message.get().getSegment()), "decoding a segment");
    storage::IncomingRun run;
    run.origin = decoded.origin;
    run.first_seq = decoded.first_seq;
    run.checkpoint = decoded.checkpoint_bytes;
    run.proof = decoded.proof;
    run.source = "bench";
    for (auto& e : decoded.entries) {
      entry_bytes += e.bytes.size();
      run.entries.push_back(std::move(e.bytes));
    }
    f.changes += run.entries.size();
    runs.push_back(std::move(run));
  }
  f.segments = runs.size();
  f.cut_decode_s = Seconds(start);
  f.change_bytes = f.changes ? entry_bytes / f.changes : 0;

  node::NodeSessionHost host(hub, [](std::string_view) {}, NowMs);
  start = Clock::now();
  for (const auto& run : runs) {
    auto outcome = Must(hub.store().Ingest(run, host.Trust()), "ingesting");
    if (outcome.verdict != storage::IngestOutcome::Verdict::kApplied) {
      Check(Status::Corruption("segment at " + std::to_string(run.first_seq) + " not applied: " + outcome.reason),
            "ingesting");
    }
  }
  f.ingest_s = Seconds(start);

  // The ceiling of verifying one signature per change, on one core.
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
  crypto_sign_keypair(pk, sk);
  std::string message(f.change_bytes ? f.change_bytes : 775, 'x');
  const auto* m = reinterpret_cast<const unsigned char*>(message.data());
  crypto_sign_detached(sig, nullptr, m, message.size(), sk);
  uint64_t verified = 0;
  start = Clock::now();
  while (Seconds(start) < 2.0) {
    for (int i = 0; i < 256; ++i) verified += crypto_sign_verify_detached(sig, m, message.size(), pk) == 0;
  }
  f.verifies_per_s = static_cast<double>(verified) / Seconds(start);
  return f;
}

// ---------------------------------------------------------------------------------------------
// Sessions over in-memory frames, delivered in flights: every frame sent in answer to flight n
// travels in flight n + 1 (both directions at once, as on a full-duplex link); a flight is one
// one-way latency, two are a round trip.

struct SessionFigures {
  bool synced = false;
  uint64_t frames = 0, bytes = 0, wire_bytes = 0, flights = 0;
  uint64_t hello_wire = 0, reference_wire = 0, vector_wire = 0, other_wire = 0;
  uint64_t segment_frames = 0, segment_wire = 0, compressed_payload = 0, reply_wire = 0;
  replication::SessionStats a, b;
};

// One session between `a` and `b`; `cut(n, frame)`, asked before the n-th frame (over the call)
// is delivered, true loses it and ends the session (the connection is cut).
SessionFigures RunSession(replication::SessionHost& a_host, replication::SessionHost& b_host, uint64_t& frame_no,
                          const std::function<bool(uint64_t, const std::string&)>& cut = nullptr) {
  SessionFigures f;
  replication::SessionOptions options;
  options.source = "bench";
  replication::Session a(a_host, options), b(b_host, options);
  std::vector<std::pair<int, std::string>> flight;  // (to: 0 = a, 1 = b)
  for (auto& x : a.Start()) flight.emplace_back(1, std::move(x));
  for (auto& x : b.Start()) flight.emplace_back(0, std::move(x));
  while (!flight.empty()) {
    ++f.flights;
    std::vector<std::pair<int, std::string>> next;
    for (auto& [to, frame] : flight) {
      if (cut && cut(frame_no++, frame)) {
        f.a = a.stats(), f.b = b.stats();
        return f;
      }
      ++f.frames;
      f.bytes += frame.size();
      const uint64_t wire = CurveFrameBytes(frame.size());
      f.wire_bytes += wire;
      auto message = Must(replication::DecodeMessage(frame), "decoding a frame");
      auto m = message.get();
      if (m.isHello()) f.hello_wire += wire;
      else if (m.isReference()) f.reference_wire += wire;
      else if (m.isVersionVector()) f.vector_wire += wire;
      else if (m.isSegment()) ++f.segment_frames, f.segment_wire += wire, f.compressed_payload += m.getSegment().getEntries().size();
      else if (m.isAck() || m.isCredit()) f.reply_wire += wire;
      else f.other_wire += wire;
      replication::Session& receiver = to == 0 ? a : b;
      auto answers = Must(receiver.OnMessage(m, frame.size()), "a session step");
      for (auto& x : answers) next.emplace_back(1 - to, std::move(x));
    }
    flight = std::move(next);
  }
  f.synced = a.synced() && b.synced();
  f.a = a.stats(), f.b = b.stats();
  return f;
}

void PrintInSync(const SessionFigures& f, uint64_t records) {
  std::printf("\n### Already in sync: one session, commune and district holding the same %llu records\n\n",
              static_cast<unsigned long long>(records));
  std::printf("| synced | frames | flights (one-way) | bytes (frames) | bytes on a CurveZMQ link | of which hellos "
              "| reference data | version vectors | credit, done, other |\n|---|---|---|---|---|---|---|---|---|\n");
  std::printf("| %s | %llu | %llu | %llu | %llu | %llu | %llu | %llu | %llu |\n", f.synced ? "yes" : "NO",
              static_cast<unsigned long long>(f.frames), static_cast<unsigned long long>(f.flights),
              static_cast<unsigned long long>(f.bytes), static_cast<unsigned long long>(f.wire_bytes),
              static_cast<unsigned long long>(f.hello_wire), static_cast<unsigned long long>(f.reference_wire),
              static_cast<unsigned long long>(f.vector_wire),
              static_cast<unsigned long long>(f.other_wire + f.reply_wire));
  if (f.a.segments_sent + f.b.segments_sent) std::printf("(segments were sent: the nodes were not in sync!)\n");
}

// ---------------------------------------------------------------------------------------------
// 3. Initial replication commune -> central, whole and cut.

void MeasureInitial(replication::SessionHost& commune, replication::SessionHost& central, uint64_t changes) {
  uint64_t frame_no = 0;
  auto f = RunSession(commune, central, frame_no);
  if (!f.synced || f.a.segments_sent == 0) Check(Status::FailedPrecondition("the initial session did not sync"), "initial");
  const double n = static_cast<double>(changes);
  std::printf("\n### Initial replication commune -> central over in-memory frames (%llu changes)\n\n",
              static_cast<unsigned long long>(changes));
  std::printf("| segments | flights | compressed payload B/change | segment frames on the wire B/change | overhead "
              "beyond compressed B/change (segment frames) | acks+credit B/change | whole session on the wire "
              "B/change | whole session beyond compressed B/change |\n|---|---|---|---|---|---|---|---|\n");
  std::printf("| %llu | %llu | %.1f | %.1f | %.2f | %.2f | %.1f | %.2f |\n",
              static_cast<unsigned long long>(f.segment_frames), static_cast<unsigned long long>(f.flights),
              static_cast<double>(f.compressed_payload) / n, static_cast<double>(f.segment_wire) / n,
              static_cast<double>(f.segment_wire - f.compressed_payload) / n, static_cast<double>(f.reply_wire) / n,
              static_cast<double>(f.wire_bytes) / n, static_cast<double>(f.wire_bytes - f.compressed_payload) / n);
}

// The commune's log again to a fresh central, the connection cut at the k-th segment frame (lost
// in flight) or at the ack that follows it; sessions resume until synced. Re-sent = segments sent
// over all sessions minus the segments there are.
void MeasureResume(const std::filesystem::path& dir, node::Node& commune, uint64_t segments_total) {
  std::printf("\n### A resume re-sends at most one segment (window %u)\n\n", replication::kDefaultWindow);
  std::printf("| cut at | sessions | segments sent in all | segments in the log | re-sent |\n|---|---|---|---|---|\n");
  for (int mode = 0; mode < 2; ++mode) {
    for (uint64_t at : std::set<uint64_t>{1, std::max<uint64_t>(1, segments_total / 2), segments_total}) {
      auto central_dir = dir / ("central-resume-" + std::to_string(mode) + "-" + std::to_string(at));
      std::filesystem::create_directories(central_dir);
      // A second central: a fresh root would not know the commune's chain, so copy the real one.
      std::filesystem::copy(dir / "central-pristine", central_dir, std::filesystem::copy_options::recursive);
      auto central = Open(central_dir.string(), false);
      node::NodeSessionHost central_host(*central, [](std::string_view) {}, NowMs);
      node::NodeSessionHost commune_host(commune, [](std::string_view) {}, NowMs);
      uint64_t segment_frames = 0, frame_no = 0, sent = 0;
      bool cut_done = false, armed = false;
      int sessions = 0;
      for (; sessions < 20; ++sessions) {
        auto f = RunSession(commune_host, central_host, frame_no, [&](uint64_t, const std::string& frame) {
          if (cut_done) return false;
          auto m = Must(replication::DecodeMessage(frame), "decoding");
          if (m.get().isSegment() && ++segment_frames == at) {
            if (mode == 0) return cut_done = true;  // the segment is lost in flight
            armed = true;                            // it arrives; its ack is lost
          } else if (armed && m.get().isAck()) {
            return cut_done = true;
          }
          return false;
        });
        sent += f.a.segments_sent;
        if (f.synced) break;
      }
      std::printf("| %s %llu | %d | %llu | %llu | %llu |\n", mode == 0 ? "segment" : "the ack of segment",
                  static_cast<unsigned long long>(at), sessions + 1, static_cast<unsigned long long>(sent),
                  static_cast<unsigned long long>(segments_total),
                  static_cast<unsigned long long>(sent - segments_total));
    }
  }
}

}  // namespace
}  // namespace dancu::tools

int main(int argc, char** argv) {
  using namespace dancu;
  using namespace dancu::tools;
  CLI::App app{"dancu-bench-replication: issue 3's replication figures"};
  uint64_t residents = 100000, seed = 1;
  std::string keep;
  bool skip_initial = false;
  app.add_option("--residents", residents, "residents of the commune (imported in batches of 2000)");
  app.add_option("--seed", seed, "generator seed");
  app.add_flag("--skip-initial", skip_initial, "measure only ingest and in-sync (for a large --residents)");
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0) return 1;

  auto dir = std::filesystem::temp_directory_path() / ("dancu-bench-replication-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Tree tree = MakeTree(dir);
  // A copy of central as certified, before it receives anything, for the resume runs.
  tree.central.reset();
  std::filesystem::copy(tree.central_dir, dir / "central-pristine", std::filesystem::copy_options::recursive);
  tree.central = Open(tree.central_dir, true);

  auto start = Clock::now();
  {
    std::istringstream in(bench::GenerateCommune(residents, seed));
    std::fprintf(stderr, "generated %llu residents in %.1f s\n", static_cast<unsigned long long>(residents),
                 Seconds(start));
    start = Clock::now();
    auto imported = Must(node::ImportJsonLines(*tree.commune, in, {"bench", 2000}, {}), "importing");
    std::fprintf(stderr, "imported %llu residents in %.1f s\n", static_cast<unsigned long long>(imported.accepted),
                 Seconds(start));
  }

  auto ingest = MeasureIngest(*tree.commune, *tree.district);
  const double ingest_rate = static_cast<double>(ingest.changes) / ingest.ingest_s;
  std::printf("### Hub ingest: %llu changes of a commune in %llu segments, verified and durable\n\n",
              static_cast<unsigned long long>(ingest.changes), static_cast<unsigned long long>(ingest.segments));
  std::printf("| ingest (Store::Ingest, sync=true) | cut+encode+decode (sender and receiver framing) | "
              "Ed25519 verify, one per %zu-byte change, one core | ingest / verify ceiling |\n|---|---|---|---|\n",
              ingest.change_bytes);
  std::printf("| %.0f changes/s (%.2f s) | %.0f changes/s | %.0f verifies/s | %.2fx |\n", ingest_rate, ingest.ingest_s,
              static_cast<double>(ingest.changes) / ingest.cut_decode_s, ingest.verifies_per_s,
              ingest_rate / ingest.verifies_per_s);
  std::fflush(stdout);

  {
    node::NodeSessionHost commune_host(*tree.commune, [](std::string_view) {}, NowMs);
    node::NodeSessionHost district_host(*tree.district, [](std::string_view) {}, NowMs);
    uint64_t frame_no = 0;
    auto in_sync = RunSession(commune_host, district_host, frame_no);
    PrintInSync(in_sync, ingest.changes);
    std::fflush(stdout);
  }

  if (!skip_initial) {
    node::NodeSessionHost commune_host(*tree.commune, [](std::string_view) {}, NowMs);
    node::NodeSessionHost central_host(*tree.central, [](std::string_view) {}, NowMs);
    MeasureInitial(commune_host, central_host, ingest.changes);
    std::fflush(stdout);
    MeasureResume(dir, *tree.commune, ingest.segments);
  }
  tree = Tree{};
  std::filesystem::remove_all(dir);
  return 0;
}
