// dancu-faultproxy: a fault-injecting TCP proxy for replication tests and link benchmarks.
// Forwards every connection accepted on --listen to --target through an emulated link (rate and
// latency) and applies fault commands read from stdin and --control. See docs/faultproxy.md.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "tools/faultproxy/command.h"
#include "tools/faultproxy/control_source.h"
#include "tools/faultproxy/event_log.h"
#include "tools/faultproxy/net.h"
#include "tools/faultproxy/proxy.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int Fail(const dancu::faultproxy::EventLog& log, const dancu::Status& status) {
  log("error: " + status.message());
  return kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dancu::faultproxy;
  CLI::App app{"dancu-faultproxy — a TCP proxy that emulates a slow link and injects faults"};
  std::string listen, target, rate = "0", control;
  uint64_t latency_ms = 0;
  size_t max_queue_bytes = 1 << 20;
  app.add_option("--listen", listen, "HOST:PORT to accept connections on (port 0 picks a free one)")->required();
  app.add_option("--target", target, "HOST:PORT to forward each connection to")->required();
  app.add_option("--rate-bps", rate, "rate of each direction in bits per second, k/M suffixes; 0 = unlimited");
  app.add_option("--latency-ms", latency_ms, "one-way latency in milliseconds");
  app.add_option("--control", control, "FIFO (created if missing) or regular file to read commands from, "
                                       "besides stdin");
  app.add_option("--max-queue-bytes", max_queue_bytes, "bytes queued per direction before reading pauses")
      ->check(CLI::Range(size_t{1}, size_t{1} << 30));
  app.footer("Commands (one per line): cut, stall, resume, refuse, accept, rate BPS, latency MS,\n"
             "cut-after BYTES, cut-after off, status, quit. Events are printed on stderr.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  std::signal(SIGPIPE, SIG_IGN);
  const EventLog log(stderr);
  const auto rate_bps = ParseRate(rate);
  if (!rate_bps.ok()) {
    log("error: --rate-bps: " + rate_bps.status().message());
    return kExitUsage;
  }
  const auto listen_address = ResolveAddress(listen);
  if (!listen_address.ok()) return Fail(log, listen_address.status());
  const auto target_address = ResolveAddress(target);
  if (!target_address.ok()) return Fail(log, target_address.status());

  LinkSettings settings;
  settings.rate_bps = *rate_bps;
  settings.latency = std::chrono::milliseconds(latency_ms);
  settings.max_queue_bytes = max_queue_bytes;
  auto proxy = Proxy::Create(*listen_address, *target_address, settings, log);
  if (!proxy.ok()) return Fail(log, proxy.status());
  (*proxy)->AddControl(ControlSource::Stdin());
  if (!control.empty()) {
    auto source = ControlSource::OpenPath(control);
    if (!source.ok()) return Fail(log, source.status());
    (*proxy)->AddControl(std::move(*source));
  }

  // The line a test waits for: the real port when --listen asked for port 0.
  std::printf("faultproxy: listening %s\n", FormatAddress((*proxy)->listening_address()).c_str());
  std::fflush(stdout);
  log("forwarding to " + FormatAddress(*target_address) + ", rate " + std::to_string(*rate_bps) +
      " bps, latency " + std::to_string(latency_ms) + " ms");
  const dancu::Status status = (*proxy)->Run();
  if (!status.ok()) return Fail(log, status);
  return 0;
}
