// dancu-bench-ida: agency verifications per second and their latency at a node holding many
// residents, with every answer signed and every transaction audited durably (group commit):
// docs/performance.md "Agency verification (issue 16)".
//
// Builds a central node in --dir, imports --residents generated residents through the real import
// path, registers one agency, then measures twice:
//   service: node::IdaService::Verify called from --clients threads (no HTTP, no TLS), and
//   https:   dancu serve's own agency server (node/console/ida_server.h) over TLS on loopback,
//            --clients keep-alive client threads in this process signing their requests.
// A tenth of the requests name an unknown citizen number. Prints requests/s and p50/p99/max in ms.
#include <CLI/CLI.hpp>
#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include "node/agencies.h"
#include "node/console/ida_server.h"
#include "node/ida_protocol.h"
#include "node/ida_service.h"
#include "node/importer.h"
#include "node/node.h"
#include "storage/hlc.h"
#include "tools/bench/bench_support.h"

namespace dancu::tools::bench {
namespace {

using nlohmann::json;

struct Options {
  std::string dir = "/tmp/dancu-bench-ida";
  uint64_t residents = 100'000;
  uint64_t requests = 20'000;
  int clients = 16;
  bool reuse = false;  // a node --dir holds from an earlier run with the same --residents
};

std::vector<std::string> CitizenNumbers(const std::string& jsonl) {
  std::vector<std::string> numbers;
  std::istringstream lines(jsonl);
  for (std::string line; std::getline(lines, line);) {
    auto r = json::parse(line);
    if (r.contains("citizen_no")) numbers.push_back(r["citizen_no"]);
  }
  return numbers;
}

// The body of request `i`: a known number's birth year and sex, or (every tenth) an unknown number.
std::string Body(const std::vector<std::string>& numbers, uint64_t i, int client) {
  const bool unknown = i % 10 == 9;
  const std::string number = unknown ? "001099" + std::to_string(100000 + i % 900000) : numbers[(i * 7919) % numbers.size()];
  return json{{"transaction_id", "c" + std::to_string(client) + "-" + std::to_string(i)},
              {"time", storage::HybridClock::SystemMillis()},
              {"procedure", "p1"},
              {"operator", "bench"},
              {"consent", {{"mode", "signed-form"}, {"evidence_hash", std::string(64, 'c')}}},
              {"citizen_no", number},
              {"claims", {{"birth_date", {{"value", "1985"}, {"precision", "year"}}}, {"sex", "male"}}}}
      .dump();
}

struct Figures {
  double per_second = 0, p50 = 0, p99 = 0, max = 0;
  uint64_t failed = 0;
};

// Runs `requests` calls of `one(client, i)` (true: answered 200) over `clients` threads.
Figures Measure(const Options& o, const std::function<bool(int, uint64_t)>& one) {
  std::atomic<uint64_t> next{0}, failed{0};
  std::mutex mu;
  std::vector<double> latencies;
  latencies.reserve(o.requests);
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < o.clients; ++c) {
    threads.emplace_back([&, c] {
      std::vector<double> mine;
      for (uint64_t i; (i = next++) < o.requests;) {
        const auto t = Clock::now();
        if (!one(c, i)) ++failed;
        mine.push_back(Seconds(t) * 1000);
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  Figures f;
  f.per_second = static_cast<double>(o.requests) / Seconds(started);
  std::sort(latencies.begin(), latencies.end());
  f.p50 = latencies[latencies.size() / 2];
  f.p99 = latencies[latencies.size() * 99 / 100];
  f.max = latencies.back();
  f.failed = failed;
  return f;
}

void Print(const char* what, const Figures& f) {
  std::printf("%-8s %8.0f verifications/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  failed %llu\n", what,
              f.per_second, f.p50, f.p99, f.max, static_cast<unsigned long long>(f.failed));
}

int Run(const Options& o) {
  const std::string data = o.dir + "/central";
  const bool reuse = o.reuse && std::filesystem::exists(data);
  if (!reuse) {
    std::filesystem::remove_all(o.dir);
    std::filesystem::create_directories(o.dir);
    Check(node::Node::Init({data, schema::Role::CENTRAL, "VN", std::nullopt, storage::HybridClock::SystemMillis()})
              .status(),
          "init");
  }
  auto node = node::Node::Open(data, node::KeyAccess::kSign, std::nullopt);
  Check(node.status(), "open");
  const std::string jsonl = GenerateCommune(o.residents, 1);  // the same residents for the same count
  if (!reuse) {
    std::istringstream in(jsonl);
    auto started = Clock::now();
    auto imported = node::ImportJsonLines(**node, in, {"bench", 2000}, {});
    Check(imported.status(), "import");
    std::printf("residents %llu imported in %.1f s\n", static_cast<unsigned long long>(imported->accepted),
                Seconds(started));
  }
  // Measured on a settled store, as every dancu benchmark: not during the import's compactions.
  while ((*node)->store().BackgroundWorkPending()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto numbers = CitizenNumbers(jsonl);
  std::printf("residents %zu with a citizen number; %d clients\n", numbers.size(), o.clients);

  storage::SigningKey agency = storage::SigningKey::Generate();
  node::AgencyPolicy policy;
  policy.name = "bench";
  policy.key = agency.public_key();
  policy.procedures = {"p1"};
  policy.claims = {schema::Claim::BIRTH_DATE, schema::Claim::SEX};
  policy.per_field_results = true;
  policy.rate_per_second = 1'000'000;
  policy.per_citizen_per_hour = 1'000'000;
  policy.valid_from = policy.issued_at = storage::HybridClock::SystemMillis() - 1000;
  policy.valid_until = policy.valid_from + 86'400'000;
  randombytes_buf(policy.token_salt.data(), policy.token_salt.size());
  Check((*node)->agencies().Add(node::MakeAgencyCredential(**(*node)->signing_key(), policy)).status(), "agency");
  const std::string agency_hex = storage::IdHex(node::AgencyIdOf(agency.public_key()));
  auto sign = [&](std::string_view body) {
    return storage::ToHex(agency.Sign(node::RequestSignedBytes("/ida/v1/verify", body)));
  };

  auto service = node::IdaService::Create(**node);
  Check(service.status(), "service");
  Print("service", Measure(o, [&](int c, uint64_t i) {
          const std::string body = Body(numbers, i, c);
          return (*service)->Verify(agency_hex, sign(body), body).status == 200;
        }));

  const std::string cert = o.dir + "/cert.pem", key = o.dir + "/key.pem";
  if (std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 "
                   "-keyout " + key + " -out " + cert + " 2>/dev/null").c_str()) != 0) {
    std::cerr << "openssl req failed\n";
    return 1;
  }
  console::IdaServer server(**node, {"127.0.0.1", 0, cert, key, {}});
  Check(server.Bind(), "bind");
  std::thread serving([&] { server.Run(); });
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int c = 0; c < o.clients; ++c) {
    clients.push_back(std::make_unique<httplib::Client>(server.url()));
    clients.back()->enable_server_certificate_verification(false);
    clients.back()->set_tcp_nodelay(true);
    clients.back()->set_keep_alive(true);
  }
  Print("https", Measure(o, [&](int c, uint64_t i) {
          const std::string body = Body(numbers, i + o.requests, c);
          auto res = clients[c]->Post("/ida/v1/verify", {{"X-Dancu-Agency", agency_hex}, {"X-Dancu-Signature", sign(body)}},
                                      body, "application/json");
          return res && res->status == 200;
        }));
  server.Stop();
  serving.join();
  return 0;
}

}  // namespace
}  // namespace dancu::tools::bench

int main(int argc, char** argv) {
  dancu::tools::bench::Options o;
  CLI::App app("dancu-bench-ida: agency verifications per second and latency, signed and audited");
  app.add_option("--dir", o.dir, "scratch directory (removed first)");
  app.add_option("--residents", o.residents, "residents on the node");
  app.add_option("--requests", o.requests, "verifications per measurement");
  app.add_option("--clients", o.clients, "concurrent clients");
  app.add_flag("--reuse", o.reuse, "measure the node --dir holds from an earlier run with the same --residents");
  CLI11_PARSE(app, argc, argv);
  return dancu::tools::bench::Run(o);
}
