// The read commands open the store read-only: they work on a read-only data directory and beside
// the process that holds the database; a write there fails clearly and changes nothing. RocksDB's
// info log stays one small file.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "node/node.h"
#include "node/resident_drafts.h"
#include "tests/support/commune_cli.h"
#include "tests/support/serve_process.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// `dir` seen read-only at `at` (a read-only bind mount; the test runs as root), until destroyed.
class ReadOnlyMount {
 public:
  ReadOnlyMount(const std::string& dir, const std::string& at) : at_(at) {
    fs::create_directory(at);
    REQUIRE(std::system(("mount --bind '" + dir + "' '" + at + "'").c_str()) == 0);
    mounted_ = true;
    REQUIRE(std::system(("mount -o remount,ro,bind '" + at + "'").c_str()) == 0);
  }
  ~ReadOnlyMount() {
    if (mounted_) CHECK(std::system(("umount '" + at_ + "'").c_str()) == 0);
  }

 private:
  std::string at_;
  bool mounted_ = false;
};

// Every file under `dir` with its size and modification time.
std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> Files(const std::string& dir) {
  std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) out[entry.path().string()] = {entry.file_size(), entry.last_write_time()};
  }
  return out;
}

// The read commands, on `data`, each REQUIREd to succeed.
void ReadEverything(CommuneCli& cli, const std::string& data) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"report"}, {"resident", "show"}, {"resident", "find"}, {"log", "verify"},
        {"state-hash"}, {"officer", "list"}, {"conflicts", "list"}, {"quarantine", "list"}}) {
    if (args[0] == "resident") args.push_back(args[1] == "show" ? "001085000001" : "nguyen van an");
    args.insert(args.end(), {"--data", data});
    cli.Expect(args, 0);
  }
}

TEST_CASE("read commands work on a read-only data directory; a write there fails clearly and changes nothing") {
  CommuneCli cli;
  cli.Add(ValidResident(1));
  const std::string hash = cli.StateHash();
  const auto before = Files(cli.data());
  {
    const std::string ro = cli.file("ro");
    ReadOnlyMount mount(cli.data(), ro);
    ReadEverything(cli, ro);
    CHECK(json::parse(cli.Expect({"state-hash", "--data", ro, "--json"}, 0).out)["state_hash"] == hash);
    auto add = cli.Expect({"resident", "add", "--data", ro, ValidResident(2).dump()}, 1);
    CHECK_THAT(add.err, Catch::Contains("cannot be written (Read-only file system)"));
    CHECK_THAT(add.err, Catch::Contains("Nothing was changed"));
    { std::ofstream(cli.file("in.jsonl")) << ValidResident(3).dump() << "\n"; }
    auto import = cli.Expect({"import", "--data", ro, cli.file("in.jsonl")}, 1);
    CHECK_THAT(import.err, Catch::Contains("cannot be written"));
  }
  CHECK(Files(cli.data()) == before);
  CHECK(cli.StateHash() == hash);
}

TEST_CASE("read commands work while another process holds the database, and see what it acknowledged") {
  CommuneCli cli;
  cli.Add(ValidResident(1));
  {
    ServeProcess serve(cli.data());
    ReadEverything(cli, cli.data());
    CHECK(serve.Stop() == 0);
  }
  // This test holds the database for writing, as serve does, and appends a resident.
  auto node = node::Node::Open(cli.data(), node::KeyAccess::kSign, std::nullopt);
  REQUIRE(node.ok());
  std::vector<storage::Draft> drafts;
  auto built = node::MakeDraft(schema::Operation::CREATE, "", ValidResident(2), "officer.an");
  REQUIRE(built.errors.empty());
  drafts.push_back(std::move(built.draft));
  auto appended = (*node)->Append(drafts);
  REQUIRE(appended.ok());
  for (const auto& rejected : appended->rejected) FAIL_CHECK(rejected.errors.front().field << ": " << rejected.errors.front().reason);
  REQUIRE(appended->accepted.size() == 1);
  cli.Expect({"resident", "show", "--data", cli.data(), "001085000002"}, 0);
  auto report = json::parse(cli.Expect({"report", "--data", cli.data(), "--json"}, 0).out);
  CHECK(report["total"]["residents"] == 2);
  cli.Expect({"log", "verify", "--data", cli.data()}, 0);
  // A second writer is refused while this one holds the database.
  auto add = cli.Expect({"resident", "add", "--data", cli.data(), ValidResident(3).dump()}, 1);
  CHECK_THAT(add.err, Catch::Contains("lock"));
}

TEST_CASE("RocksDB's info log stays one small file, whatever the number of commands") {
  CommuneCli cli;
  for (uint32_t i = 1; i <= 3; ++i) cli.Add(ValidResident(i));
  { std::ofstream(cli.file("in.jsonl")) << ValidResident(4).dump() << "\n"; }
  cli.Expect({"import", "--data", cli.data(), cli.file("in.jsonl")}, 0);
  ReadEverything(cli, cli.data());
  std::vector<std::string> logs;
  for (const auto& entry : fs::directory_iterator(cli.data() + "/db")) {
    std::string name = entry.path().filename().string();
    if (name.rfind("LOG", 0) == 0) logs.push_back(name);
  }
  INFO("info logs: " << logs.size());
  REQUIRE(logs == std::vector<std::string>{"LOG"});
  CHECK(fs::file_size(cli.data() + "/db/LOG") < 16 * 1024);
}

}  // namespace
}  // namespace dancu::testing
