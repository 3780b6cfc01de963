// dancu serve --data DIR --http HOST:PORT [--ida HOST:PORT] [--tls-cert FILE --tls-key FILE] [--session-idle-minutes N]
//             [--device ID]
#include <signal.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "node/console/ida_server.h"
#include "node/console/web_console.h"
#include "node/replicator.h"
#include "tools/dancu/serve.h"

namespace dancu::tools {

namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void OnStopSignal(int) { g_stop = true; }

void InstallStopHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a browser that goes away mid-answer
}

}  // namespace

Result<std::pair<std::string, int>> ParseHostPort(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument("give the address as HOST:PORT, such as 127.0.0.1:8080");
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port_text = text.substr(colon + 1);
  if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5) {
    return Status::InvalidArgument("the port must be a number from 0 to 65535");
  }
  const int port = std::stoi(port_text);
  if (port > 65535) return Status::InvalidArgument("the port must be a number from 0 to 65535");
  return std::pair{host, port};
}

Status RunServe(const ServeOptions& options, const std::atomic<bool>& stop,
                const std::function<void(const std::string& line)>& announce) {
  if (options.http.empty() && options.ida.empty() && options.listen.empty() && options.parent.empty()) {
    return Status::InvalidArgument(
        "nothing to serve: give --http HOST:PORT, --ida HOST:PORT, --listen or --parent tcp://ADDR:PORT");
  }
  if (!(options.session_idle_minutes > 0) || options.session_idle_minutes > 7 * 24 * 60) {
    return Status::InvalidArgument("--session-idle-minutes must be more than 0 and at most a week");
  }
  auto passphrase = ReadSecret(options.node.passphrase_file, "DANCU_PASSPHRASE");
  if (!passphrase.ok()) return passphrase.status();
  storage::StoreOptions store_options;
  store_options.on_write_health = [](const Status& refusal) {
    if (refusal.ok()) std::cerr << "dancu serve: writes resumed: the disk takes writes again" << std::endl;
    else std::cerr << "dancu serve: writes refused: " << refusal.message() << std::endl;
  };
  auto node = node::Node::Open(options.node.data_dir, node::KeyAccess::kSign, *passphrase, std::move(store_options));
  if (!node.ok()) return node.status();

  // Replication links, on their own thread (node/replicator.h).
  std::unique_ptr<node::Replicator> replicator;
  if (!options.listen.empty() || !options.parent.empty()) {
    node::ReplicatorOptions links;
    links.listen = options.listen;
    links.parent = options.parent;
    links.interval = std::chrono::milliseconds(static_cast<int64_t>(options.sync_interval_s * 1000));
    links.log = [](std::string_view line) { std::cerr << "dancu serve: " << line << std::endl; };
    auto started = node::Replicator::Start(**node, std::move(links));
    if (!started.ok()) return started.status();
    replicator = std::move(started.value());
    if (!options.listen.empty()) announce("replication listening on " + replicator->endpoint());
    if (!options.parent.empty()) announce("replicating with parent " + options.parent);
  }
  // Agency verification (node/console/ida_server.h), on its own server and port.
  std::unique_ptr<console::IdaServer> ida;
  std::thread ida_thread;
  if (!options.ida.empty()) {
    auto ida_address = ParseHostPort(options.ida);
    if (!ida_address.ok()) return ida_address.status();
    ida = std::make_unique<console::IdaServer>(
        **node, console::IdaServerOptions{ida_address->first, ida_address->second, options.tls_cert, options.tls_key,
                                          {options.receipt_days * node::kDayMs}});
    DANCU_RETURN_IF_ERROR(ida->Bind());
    ida_thread = std::thread([&ida] { ida->Run(); });
    announce("serving agency verification on " + ida->url());
  }
  auto stop_ida = [&] {
    if (!ida) return;
    ida->Stop();
    ida_thread.join();
  };
  if (options.http.empty()) {
    while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop_ida();
    replicator.reset();
    announce("stopped");
    return Status::Ok();
  }
  auto address = ParseHostPort(options.http);
  if (!address.ok()) {
    stop_ida();
    return address.status();
  }

  console::ConsoleOptions console_options;
  console_options.host = address->first;
  console_options.port = address->second;
  console_options.session_idle = std::chrono::milliseconds(
      static_cast<int64_t>(options.session_idle_minutes * 60'000.0));
  console_options.reader_device = options.reader_device;
  console_options.tls_cert = options.tls_cert;
  console_options.tls_key = options.tls_key;
  if (replicator) console_options.links = [&replicator] { return replicator->Links(); };
  console::WebConsole console(**node, console_options);
  if (Status bound = console.Bind(); !bound.ok()) {
    stop_ida();
    return bound;
  }
  std::thread http([&console] { console.Run(); });
  announce("serving the web console on " + console.url());

  while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));

  console.Stop();
  http.join();
  stop_ida();
  replicator.reset();
  announce("stopped");
  return Status::Ok();
}

void AddServeCommands(CLI::App& app, Runner& runner) {
  auto opts = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve", "run the node: the web console for officers (--http) until SIGINT or SIGTERM");
  cmd->add_option("--data", opts->node.data_dir, "the node's data directory")->required();
  cmd->add_option("--passphrase-file", opts->node.passphrase_file,
                  "file holding the node key's passphrase (else $DANCU_PASSPHRASE)");
  cmd->add_option("--http", opts->http,
                  "serve the web console on HOST:PORT (127.0.0.1 keeps it on this machine; another "
                  "address needs --tls-cert and --tls-key; port 0: any free port)");
  cmd->add_option("--ida", opts->ida,
                  "serve agency verification (POST /ida/v1/verify, docs/agency-verification.md) on HOST:PORT; "
                  "an address other than loopback needs --tls-cert and --tls-key");
  cmd->add_option("--receipt-days", opts->receipt_days,
                  "--ida: days the signed answer of each transaction is kept for receipts (default 400, at least 1)");
  cmd->add_option("--tls-cert", opts->tls_cert,
                  "serve the console (and --ida) over HTTPS with this PEM certificate (chain); needed "
                  "for an address other than loopback");
  cmd->add_option("--tls-key", opts->tls_key, "the PEM private key of --tls-cert");
  cmd->add_option("--listen", opts->listen, "replication: accept children's links on tcp://ADDR:PORT");
  cmd->add_option("--parent", opts->parent, "replication: keep syncing with the parent at tcp://ADDR:PORT");
  cmd->add_option("--sync-interval", opts->sync_interval_s, "seconds between sessions with the parent (default 2)");
  cmd->add_option("--session-idle-minutes", opts->session_idle_minutes,
                  "log an officer out after this many idle minutes (default 30; fractions allowed)");
  cmd->add_option("--device", opts->reader_device,
                  "fingerprint reader id, as libfprint lists it (default: the first)");
  cmd->callback([opts, &runner] {
    InstallStopHandlers();
    Status served = RunServe(*opts, g_stop, [](const std::string& line) {
      std::cout << line << std::endl;
    });
    if (!served.ok()) runner.Fail(served, false);
  });
}

}  // namespace dancu::tools
