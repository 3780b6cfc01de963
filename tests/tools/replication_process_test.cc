// Replication between real processes (issue 3, item 9): a central, a district and three communes,
// each a data directory made with the real `dancu` CLI; `dancu serve --listen` on central and the
// district (the district also `--parent` to central), `dancu sync` on each commune, every link
// through its own `dancu-faultproxy`. Faults mid-transfer: cut-after (armed, then off), stall and
// resume, a 64 kbit/s rate, and SIGKILL of the district's `serve` during a commune's sync, then a
// restart. Afterwards every node converges: central holds every commune's residents, central and
// the district hold equal state hashes, `log verify` passes everywhere and no quarantine holds
// anything. And a commune restored from an older copy of its data directory, used offline, then
// synced: every change of both sides ends on both (docs/log-format.md "Lost writes").
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/test_node.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kResidents = 3000;  // per commune
constexpr const char* kBatch = "250";  // 12 segments a commune: cuts land between and inside them

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A child process (dancu or dancu-faultproxy) whose stdout and stderr go to files, with a pipe on
// its stdin for commands.
class Child {
 public:
  Child(std::vector<std::string> argv, std::string out_path, std::string err_path)
      : out_path_(std::move(out_path)), err_path_(std::move(err_path)) {
    int in[2];
    REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
    const int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    REQUIRE(out >= 0);
    REQUIRE(err >= 0);
    out_start_ = ReadFile(out_path_).size();
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out);
    ::close(err);
    stdin_ = in[1];
  }
  ~Child() {
    if (!reaped_) {
      Signal(SIGKILL);
      Wait(10s);
    }
    ::close(stdin_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void Write(const std::string& line) { (void)!::write(stdin_, (line + "\n").data(), line.size() + 1); }
  void Signal(int sig) {
    if (!reaped_) ::kill(pid_, sig);
  }
  // The exit code once it exits within `timeout` (-1 if killed by a signal); nullopt if it runs on.
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!reaped_) {
      const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
      if (done == pid_) {
        reaped_ = true;
        break;
      }
      if (Clock::now() > deadline) return std::nullopt;
      std::this_thread::sleep_for(20ms);
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }
  // What it printed on stdout in this run.
  std::string out() const { return ReadFile(out_path_).substr(out_start_); }
  std::string err() const { return ReadFile(err_path_); }
  // Waits until stdout (this run) or stderr holds `text` after `from` bytes of it; the position
  // after the match, or nullopt after `timeout`.
  std::optional<size_t> WaitFor(bool on_stderr, const std::string& text, size_t from,
                                std::chrono::milliseconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    do {
      const std::string all = on_stderr ? err() : out();
      const size_t at = all.find(text, std::min(from, all.size()));
      if (at != std::string::npos) return at + text.size();
      std::this_thread::sleep_for(20ms);
    } while (Clock::now() < deadline);
    return std::nullopt;
  }

 private:
  std::string out_path_, err_path_;
  size_t out_start_ = 0;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

// A dancu-faultproxy in front of 127.0.0.1:target; commands on stdin, events on stderr.
class Proxy {
 public:
  Proxy(const std::string& dir, const std::string& name, int target)
      : child_({DANCU_FAULTPROXY, "--listen", "127.0.0.1:0", "--target", "127.0.0.1:" + std::to_string(target)},
               dir + "/" + name + ".proxy.out", dir + "/" + name + ".proxy.err") {
    const std::string prefix = "faultproxy: listening 127.0.0.1:";
    auto at = child_.WaitFor(false, prefix, 0, 10s);
    REQUIRE(at.has_value());
    port_ = std::stoi(child_.out().substr(*at));
    REQUIRE(port_ > 0);
  }
  ~Proxy() {
    child_.Write("quit");
    if (!child_.Wait(5s)) {
      child_.Signal(SIGKILL);
      child_.Wait(5s);
    }
  }
  int port() const { return port_; }
  std::string peer() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  // Sends a command and waits for the event that acknowledges it.
  void Command(const std::string& command, const std::string& acknowledgement) {
    const size_t from = child_.err().size();
    child_.Write(command);
    INFO("proxy events:\n" << child_.err());
    REQUIRE(child_.WaitFor(true, acknowledgement, from, 10s).has_value());
  }
  // How many times `text` appears in the events so far.
  size_t Count(const std::string& text) const {
    const std::string all = child_.err();
    size_t n = 0;
    for (size_t at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) ++n;
    return n;
  }
  std::string events() const { return child_.err(); }

 private:
  Child child_;
  int port_ = 0;
};

// `dancu serve` of a node: --listen on `port` (0: any free one), optionally --parent.
class Serve {
 public:
  Serve(const std::string& data, int port, const std::string& parent = "") {
    std::vector<std::string> args = {DANCU_BINARY, "serve", "--data", data, "--listen",
                                     "tcp://127.0.0.1:" + std::to_string(port)};
    if (!parent.empty()) args.insert(args.end(), {"--parent", parent, "--sync-interval", "0.5"});
    child_ = std::make_unique<Child>(args, data + ".serve.out", data + ".serve.err");
    const std::string prefix = "replication listening on tcp://127.0.0.1:";
    auto at = child_->WaitFor(false, prefix, 0, 30s);
    INFO("serve stderr:\n" << child_->err());
    REQUIRE(at.has_value());
    port_ = std::stoi(child_->out().substr(*at));
    REQUIRE(port_ > 0);
    if (port != 0) REQUIRE(port_ == port);
  }
  int port() const { return port_; }
  // SIGTERM as an operator would; REQUIREs a clean exit.
  void Stop() {
    child_->Signal(SIGTERM);
    auto code = child_->Wait(30s);
    INFO("serve stderr:\n" << child_->err());
    REQUIRE(code == 0);
    REQUIRE(child_->out().find("stopped") != std::string::npos);
  }
  void Kill() {
    child_->Signal(SIGKILL);
    REQUIRE(child_->Wait(10s) == -1);
  }

 private:
  std::unique_ptr<Child> child_;
  int port_ = 0;
};

// `dancu sync --json` of a commune in the background.
std::unique_ptr<Child> StartSync(const std::string& data, const std::string& peer, const std::string& name) {
  return std::make_unique<Child>(
      std::vector<std::string>{DANCU_BINARY, "sync", "--data", data, "--peer", peer, "--json", "--timeout", "60"},
      data + "." + name + ".out", data + "." + name + ".err");
}

// Waits for a sync to exit 0 and returns what it printed.
json FinishSync(Child& sync, std::chrono::seconds timeout = 90s) {
  auto code = sync.Wait(timeout);
  INFO("sync stdout: " << sync.out() << "\nsync stderr:\n" << sync.err());
  REQUIRE(code == 0);
  json report = json::parse(sync.out());
  REQUIRE(report["synced"] == true);
  return report;
}

json RunJson(const std::vector<std::string>& args) {
  auto run = RunDancu(args);
  INFO("dancu " << args[0] << ": " << run.out << run.err);
  REQUIRE(run.exit_code == 0);
  return json::parse(run.out);
}

// Residents per permanent-residence unit, from `dancu report --json`.
std::map<std::string, uint64_t> ResidentsByUnit(const std::string& data) {
  std::map<std::string, uint64_t> by_unit;
  const json report = RunJson({"report", "--data", data, "--json"});
  for (const auto& u : report["units"]) {
    by_unit[u["unit"].get<std::string>()] = u["residents"].get<uint64_t>();
  }
  return by_unit;
}

// Runs dancu, REQUIRing success.
ProcessResult RunOk(const std::vector<std::string>& args, const ProcessOptions& options = {}) {
  auto result = RunDancu(args, options);
  INFO("dancu " << args[0] << " " << args[1] << ": " << result.out << result.err);
  REQUIRE(result.exit_code == 0);
  return result;
}

// Certificates as files, as an operator moves them: request, issue by the parent, install.
void Certify(const std::string& parent, const std::string& child) {
  RunOk({"cert", "request", "--data", child, "--out", child + ".req"});
  RunOk({"cert", "issue", "--data", parent, "--request", child + ".req", "--out", child + ".cert"});
  RunOk({"cert", "install", "--data", child, child + ".cert"});
}

TEST_CASE("central, a district and three communes converge over faulty links and a killed hub") {
  TempDir dir;
  const std::string central = dir.Sub("central"), district = dir.Sub("district");
  const std::vector<std::string> units = {"00715", "00718", "00721"};
  ProcessOptions officer;
  officer.env = {{"DANCU_OFFICER", "officer.an"}, {"DANCU_PASSWORD", "mật khẩu của An"}};

  RunOk({"init", "--data", central, "--role", "central", "--unit", "VN"});
  RunOk({"init", "--data", district, "--role", "district", "--unit", "026"});
  Certify(central, district);
  std::vector<std::string> communes;
  for (size_t i = 0; i < units.size(); ++i) {
    communes.push_back(dir.Sub("commune-" + units[i]));
    const std::string& data = communes.back();
    RunOk({"init", "--data", data, "--role", "commune", "--unit", units[i]});
    Certify(district, data);
    RunOk({"officer", "add", "--data", data, "--name", "officer.an"}, officer);
    auto generated = RunOk({"gen", "residents", "--unit", units[i], "--count", std::to_string(kResidents), "--seed",
                          std::to_string(700 + i)});
    { std::ofstream(data + ".jsonl") << generated.out; }
    RunOk({"import", "--data", data, "--batch", kBatch, data + ".jsonl"}, officer);
    REQUIRE(ResidentsByUnit(data)[units[i]] == kResidents);
  }

  // central <- proxy <- district (serve --listen --parent) <- proxy <- each commune (sync).
  auto central_serve = std::make_unique<Serve>(central, 0);
  const int central_port = central_serve->port();
  Proxy to_central(dir.path(), "to-central", central_port);
  auto district_serve = std::make_unique<Serve>(district, 0, to_central.peer());
  const int district_port = district_serve->port();
  std::vector<std::unique_ptr<Proxy>> to_district;
  for (const auto& unit : units) to_district.push_back(std::make_unique<Proxy>(dir.path(), unit, district_port));

  // The district's link to central is cut every 100,000 bytes while the communes arrive: each
  // connection carries a few segments, then the next session resumes from the version vectors.
  to_central.Command("cut-after 100000", "cut-after 100000 bytes");

  // Commune 1: every connection cut after 60,000 bytes, twice at least, then the link heals.
  {
    Proxy& proxy = *to_district[0];
    proxy.Command("cut-after 60000", "cut-after 60000 bytes");
    auto sync = StartSync(communes[0], proxy.peer(), "sync");
    const auto deadline = Clock::now() + 60s;
    while (proxy.Count("(cut-after)") < 2 && Clock::now() < deadline) std::this_thread::sleep_for(50ms);
    INFO(proxy.events());
    REQUIRE(proxy.Count("(cut-after)") >= 2);
    proxy.Command("cut-after off", "cut-after off");
    json report = FinishSync(*sync);
    CHECK(report["changes_applied"] == 0);  // the district had nothing for it
    CHECK(report["segments_sent"].get<uint64_t>() >= 1);
  }
  // Commune 2: a 64 kbit/s link that stalls for two seconds mid-transfer, then speeds up.
  {
    Proxy& proxy = *to_district[1];
    proxy.Command("rate 64k", "rate 64000 bps");
    auto sync = StartSync(communes[1], proxy.peer(), "sync");
    const auto deadline = Clock::now() + 30s;
    while (proxy.Count("connected to the target") == 0 && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
    std::this_thread::sleep_for(1500ms);
    proxy.Command("stall", "stalled");
    std::this_thread::sleep_for(2s);
    CHECK_FALSE(sync->Wait(0ms).has_value());  // still transferring, nothing moves
    proxy.Command("resume", "resumed");
    std::this_thread::sleep_for(1s);
    proxy.Command("rate 0", "rate 0 bps");
    FinishSync(*sync);
  }
  // Commune 3: the district's serve is SIGKILLed mid-sync and restarted on the same port. The
  // commune's sync either finishes once it is back, or fails with a clear message and a second
  // run finishes.
  {
    Proxy& proxy = *to_district[2];
    proxy.Command("rate 256k", "rate 256000 bps");
    auto sync = StartSync(communes[2], proxy.peer(), "sync");
    const auto deadline = Clock::now() + 30s;
    while (proxy.Count("connected to the target") == 0 && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
    std::this_thread::sleep_for(2s);
    CHECK_FALSE(sync->Wait(0ms).has_value());
    district_serve->Kill();
    std::this_thread::sleep_for(1s);
    district_serve = std::make_unique<Serve>(district, district_port, to_central.peer());
    proxy.Command("rate 0", "rate 0 bps");
    auto code = sync->Wait(90s);
    INFO("sync stdout: " << sync->out() << "\nsync stderr:\n" << sync->err());
    REQUIRE(code.has_value());
    if (*code != 0) {
      CHECK(*code == 1);
      CHECK((sync->out() + sync->err()).find("not in sync") != std::string::npos);
      auto again = StartSync(communes[2], proxy.peer(), "sync-again");
      FinishSync(*again);
    }
  }
  to_central.Command("cut-after off", "cut-after off");
  CHECK(to_central.Count("(cut-after)") >= 1);

  // The district relays to central on its own (serve --parent). Central's data directory is
  // locked while it serves: stop it now and then to look, and start it again on the same port
  // until it holds every commune's residents.
  bool complete = false;
  for (int attempt = 0; attempt < 15 && !complete; ++attempt) {
    std::this_thread::sleep_for(2s);
    central_serve->Stop();
    auto by_unit = ResidentsByUnit(central);
    complete = true;
    for (const auto& unit : units) complete = complete && by_unit[unit] == kResidents;
    if (!complete) central_serve = std::make_unique<Serve>(central, central_port);
  }
  REQUIRE(complete);
  district_serve->Stop();
  central_serve.reset();
  district_serve.reset();

  // Every node's log verifies and nothing is quarantined; central and the district hold the same
  // changes, so the same state.
  std::map<std::string, json> verified;
  for (const auto& data : std::vector<std::string>{central, district, communes[0], communes[1], communes[2]}) {
    INFO(data);
    verified[data] = RunJson({"log", "verify", "--data", data, "--json"});
    CHECK(verified[data]["ok"] == true);
    CHECK(RunJson({"quarantine", "list", "--data", data, "--json"})["quarantine"].empty());
  }
  CHECK(verified[central]["state_hash"] == verified[district]["state_hash"]);
  CHECK(verified[central]["entries"] == verified[district]["entries"]);
  CHECK(verified[central]["entries"].get<uint64_t>() >= 3u * kResidents);
  auto hash = [&](const std::string& data) { return RunDancu({"state-hash", "--data", data}).out; };
  CHECK(hash(central) == hash(district));
  auto district_units = ResidentsByUnit(district);
  for (size_t i = 0; i < units.size(); ++i) {
    CHECK(district_units[units[i]] == kResidents);
    // A commune holds only its own (its parent sends it changes to records homed in it).
    CHECK(verified[communes[i]]["entries"].get<uint64_t>() >= kResidents);
  }
}

TEST_CASE("a commune restored from an older copy, used offline, then synced, loses nothing") {
  TempDir dir;
  const std::string central = dir.Sub("central"), district = dir.Sub("district"), commune = dir.Sub("commune");
  const std::string copy = dir.Sub("commune-copy");
  ProcessOptions officer;
  officer.env = {{"DANCU_OFFICER", "officer.an"}, {"DANCU_PASSWORD", "mật khẩu của An"}};
  RunOk({"init", "--data", central, "--role", "central", "--unit", "VN"});
  RunOk({"init", "--data", district, "--role", "district", "--unit", "026"});
  RunOk({"init", "--data", commune, "--role", "commune", "--unit", "00715"});
  Certify(central, district);
  Certify(district, commune);
  RunOk({"officer", "add", "--data", commune, "--name", "officer.an"}, officer);
  // 40 residents: the first 24 synced before the copy is made, 16 after; 3 more registered offline
  // on the restored copy.
  const std::string all = RunOk({"gen", "residents", "--unit", "00715", "--count", "43", "--seed", "11"}).out;
  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = all.find('\n', at)) != std::string::npos; at = end + 1) lines.push_back(all.substr(at, end - at));
  REQUIRE(lines.size() == 43);
  auto write = [&](const std::string& path, size_t from, size_t to) {
    std::ofstream out(path);
    for (size_t i = from; i < to; ++i) out << lines[i] << "\n";
  };
  write(dir.Sub("first.jsonl"), 0, 24);
  write(dir.Sub("second.jsonl"), 24, 40);
  write(dir.Sub("offline.jsonl"), 40, 43);

  auto serve = std::make_unique<Serve>(district, 0);
  const std::string peer = "tcp://127.0.0.1:" + std::to_string(serve->port());
  RunOk({"import", "--data", commune, "--batch", "8", dir.Sub("first.jsonl")}, officer);
  FinishSync(*StartSync(commune, peer, "sync1"));
  std::filesystem::copy(commune, copy, std::filesystem::copy_options::recursive);  // the backup
  RunOk({"import", "--data", commune, "--batch", "8", dir.Sub("second.jsonl")}, officer);
  FinishSync(*StartSync(commune, peer, "sync2"));

  // The laptop's disk is lost; the commune is restored from the copy and works offline.
  std::filesystem::remove_all(commune);
  std::filesystem::copy(copy, commune, std::filesystem::copy_options::recursive);
  REQUIRE(ResidentsByUnit(commune)["00715"] == 24);
  RunOk({"import", "--data", commune, dir.Sub("offline.jsonl")}, officer);
  REQUIRE(ResidentsByUnit(commune)["00715"] == 27);

  // One sync: the commune learns that the district holds more of its log than it does, takes its
  // own entries back, and authors its offline work again after them.
  auto sync = StartSync(commune, peer, "sync3");
  FinishSync(*sync);
  CHECK_THAT(sync->err(), Catch::Contains("beyond its own"));
  serve->Stop();
  CHECK(ResidentsByUnit(commune)["00715"] == 43);
  CHECK(ResidentsByUnit(district)["00715"] == 43);
  CHECK(RunJson({"state-hash", "--data", commune, "--json"}) == RunJson({"state-hash", "--data", district, "--json"}));
  CHECK(RunJson({"quarantine", "list", "--data", district, "--json"})["quarantine"].empty());
  RunOk({"log", "verify", "--data", commune});
  RunOk({"log", "verify", "--data", district});
}

}  // namespace
}  // namespace dancu::testing
