// A full disk, for real: a node's data directory on a small tmpfs that the test mounts (as root;
// without root, or if mount fails, each case WARNs loudly and returns). The disk is filled by the
// import itself, or by a filler file; the node must fail cleanly (no abort), say what is full and
// how much is free, lose nothing it acknowledged, keep answering reads, and resume by itself once
// the filler is removed. `serve` logs when it starts refusing writes and when it resumes. A
// district on a full disk refuses a commune's sync with the reason, and takes it in once there is
// room.
#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/commune_cli.h"
#include "tests/support/console_client.h"
#include "tests/support/serve_process.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A tmpfs of `megabytes` at `dir`, unmounted when it goes out of scope (also when a REQUIRE fails).
class SmallDisk {
 public:
  SmallDisk(std::string dir, int megabytes) : dir_(std::move(dir)) {
    fs::create_directories(dir_);
    const std::string options = "size=" + std::to_string(megabytes) + "m";
    mounted_ = ::geteuid() == 0 && ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  bool mounted() const { return mounted_; }
  // Fills the disk with a file until the write fails; returns its path.
  std::string Fill() const {
    const std::string path = dir_ + "/filler";
    std::ofstream out(path, std::ios::binary);
    const std::string block(64 * 1024, 'x');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) out.flush();
    return path;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

#define REQUIRE_SMALL_DISK(disk)                                                                      \
  if (!(disk).mounted()) {                                                                            \
    WARN("SKIPPED: cannot mount a tmpfs (not root, or mount refused): the full-disk test did not run"); \
    return;                                                                                           \
  }

// The node made by CommuneCli, copied onto `disk_dir`; its new data directory.
std::string NodeOnDisk(CommuneCli& cli, const std::string& disk_dir) {
  const std::string data = disk_dir + "/node";
  fs::copy(cli.data(), data, fs::copy_options::recursive);
  return data;
}

std::string Residents(CommuneCli& cli, int count, int seed) {
  return cli.Expect({"gen", "residents", "--unit", "00001", "--count", std::to_string(count), "--seed",
                     std::to_string(seed)},
                    0)
      .out;
}

uint64_t Residents(CommuneCli& cli, const std::string& data) {
  return json::parse(cli.Expect({"report", "--data", data, "--json"}, 0).out)["total"]["residents"].get<uint64_t>();
}

TEST_CASE("an import that fills the disk stops with a clear error, keeps what it committed, and completes when re-run") {
  CommuneCli cli;
  SmallDisk disk(cli.file("disk"), 8);
  REQUIRE_SMALL_DISK(disk);
  const std::string data = NodeOnDisk(cli, cli.file("disk"));
  {
    std::ofstream f(cli.file("many.jsonl"));
    f << Residents(cli, 20000, 1);
  }
  auto r = cli.Run({"import", "--data", data, "--json", "--batch", "500", cli.file("many.jsonl")});
  INFO(r.out << r.err);
  REQUIRE(r.signal == 0);  // no abort (RocksDB's assertion on its info log, before)
  REQUIRE(r.exit_code == 1);
  const std::string error = r.out + r.err;  // with --json the error is an event on stdout
  CHECK_THAT(error, Catch::Contains("disk full"));
  CHECK_THAT(error, Catch::Contains(cli.file("disk")));  // which filesystem
  CHECK_THAT(error, Catch::Contains("free"));            // how much room is left
  uint64_t acknowledged = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    json event = json::parse(line, nullptr, false);
    if (!event.is_discarded() && event.value("event", "") == "committed") acknowledged = event["accepted"];
  }
  REQUIRE(acknowledged > 0);
  REQUIRE(acknowledged < 20000);
  // Reads work on the full disk, and everything acknowledged is there.
  CHECK(Residents(cli, data) >= acknowledged);

  // Space returns (the disk grows): the import run again completes.
  REQUIRE(::mount("tmpfs", cli.file("disk").c_str(), "tmpfs", MS_REMOUNT, "size=64m") == 0);
  auto retry = cli.Run({"import", "--data", data, "--json", cli.file("many.jsonl")});
  INFO(retry.out << retry.err);
  CHECK(retry.signal == 0);
  CHECK((retry.exit_code == 0 || retry.exit_code == 3));  // lines imported already may be refused as taken numbers
  // Every line is there; lines without a citizen number may be there twice until imports are
  // idempotent per line (re-running imports them again).
  CHECK(Residents(cli, data) >= 20000);
  CHECK(cli.Run({"log", "verify", "--data", data}).exit_code == 0);
}

TEST_CASE("a serving node on a full disk stays up, answers reads, refuses writes clearly, and resumes by itself") {
  CommuneCli cli;
  SmallDisk disk(cli.file("disk"), 8);
  REQUIRE_SMALL_DISK(disk);
  const std::string data = NodeOnDisk(cli, cli.file("disk"));
  const json first = ValidResident(1, "Nguyễn Văn An");
  std::vector<json> next;
  for (uint32_t serial = 2; serial <= 6; ++serial) next.push_back(ValidResident(serial, "Trần Thị Bình"));

  ServeProcess serve(data, {}, {{"DANCU_PASSWORD", kOfficerPassword}});
  ConsoleClient browser(serve);
  browser.LogIn();
  ExpectJson(browser.Post("/api/residents", first.dump()), 201);

  const std::string filler = disk.Fill();
  // Writes fail until RocksDB notices; every refusal is the clear one, never a crash.
  bool refused = false;
  for (size_t i = 0; i < next.size() && !refused; ++i) {
    auto res = browser.Post("/api/residents", next[i].dump());
    REQUIRE(res);
    if (res->status == 507) {
      json body = ExpectError(res, 507, "disk_full");
      CHECK_THAT(body["error"]["message"].get<std::string>(), Catch::Contains("free"));
      refused = true;
    }
  }
  REQUIRE(refused);
  // Still up: reads answer.
  ExpectJson(browser.Get("/api/residents?q=nguyen%20van%20an"), 200);
  ExpectJson(browser.Get("/api/session"), 200);

  fs::remove(filler);
  // Resumes by itself (at most a second between attempts), with no restart.
  bool resumed = false;
  std::string last;
  for (int attempt = 0; attempt < 100 && !resumed; ++attempt) {
    auto res = browser.Post("/api/residents", next.back().dump());
    REQUIRE(res);
    resumed = res->status == 201;
    last = res->body;
    if (!resumed) ::usleep(200 * 1000);
  }
  INFO(last);
  CHECK(resumed);
  CHECK(serve.Stop() == 0);
  const std::string log = serve.output();
  INFO(log);
  const size_t refusal = log.find("dancu serve: writes refused: disk full");
  CHECK(refusal != std::string::npos);
  CHECK(log.find("dancu serve: writes resumed", refusal) != std::string::npos);
  CHECK(cli.Run({"log", "verify", "--data", data}).exit_code == 0);
}

// Certificates as an operator moves them: request, issue by the parent, install.
void Certify(CommuneCli& cli, const std::string& parent, const std::string& child) {
  cli.Expect({"cert", "request", "--data", child, "--out", child + ".req"}, 0);
  cli.Expect({"cert", "issue", "--data", parent, "--request", child + ".req", "--out", child + ".cert"}, 0);
  cli.Expect({"cert", "install", "--data", child, child + ".cert"}, 0);
}

TEST_CASE("a district on a full disk refuses a commune's sync with the reason, then takes it in by itself") {
  CommuneCli cli;  // commune 00001, of district 001
  SmallDisk disk(cli.file("disk"), 8);
  REQUIRE_SMALL_DISK(disk);
  const std::string central = cli.file("central"), district = cli.file("disk") + "/district";
  cli.Expect({"init", "--data", central, "--role", "central", "--unit", "VN"}, 0);
  cli.Expect({"init", "--data", district, "--role", "district", "--unit", "001"}, 0);
  Certify(cli, central, district);
  Certify(cli, district, cli.data());
  {
    std::ofstream(cli.file("residents.jsonl")) << Residents(cli, 300, 11);
  }
  cli.Expect({"import", "--data", cli.data(), cli.file("residents.jsonl")}, 0);
  const std::string commune_hash = cli.StateHash();

  ServeProcess serve(district, {"--listen", "tcp://127.0.0.1:0"});
  std::string endpoint;
  for (int i = 0; i < 100 && endpoint.empty(); ++i) {
    const std::string out = serve.output();
    const std::string marker = "replication listening on ";
    if (size_t at = out.find(marker); at != std::string::npos) {
      endpoint = out.substr(at + marker.size(), out.find('\n', at) - at - marker.size());
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  REQUIRE(!endpoint.empty());

  const std::string filler = disk.Fill();
  auto refused = cli.Run({"sync", "--data", cli.data(), "--peer", endpoint, "--timeout", "30"});
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("disk full"));
  CHECK_THAT(refused.err, Catch::Contains("Sync again later"));
  CHECK(cli.StateHash() == commune_hash);  // the commune lost nothing

  fs::remove(filler);
  // The district resumes on its next write: the commune's next sync (at most a second later).
  int exit_code = 1;
  std::string last;
  for (int attempt = 0; attempt < 20 && exit_code != 0; ++attempt) {
    auto sync = cli.Run({"sync", "--data", cli.data(), "--peer", endpoint, "--timeout", "30"});
    exit_code = sync.exit_code;
    last = sync.out + sync.err;
    if (exit_code != 0) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  INFO(last);
  REQUIRE(exit_code == 0);
  CHECK(serve.Stop() == 0);
  const std::string log = serve.output();
  INFO(log);
  CHECK_THAT(log, Catch::Contains("dancu serve: writes refused: disk full"));
  CHECK_THAT(log, Catch::Contains("dancu serve: writes resumed"));
  CHECK(Residents(cli, district) == 300);
  CHECK(cli.Run({"log", "verify", "--data", district}).exit_code == 0);
}

}  // namespace
}  // namespace dancu::testing
