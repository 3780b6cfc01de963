// The dancu command as an officer runs it: every bad input gets a clear error and changes nothing.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/commune_cli.h"

namespace dancu::testing {
namespace {

using nlohmann::json;

TEST_CASE("every subcommand answers --help") {
  for (std::vector<std::string> cmd :
       {std::vector<std::string>{"init"}, {"officer", "add"}, {"cert", "issue"}, {"gen", "residents"},
        {"import"}, {"resident", "show"}, {"resident", "find"}, {"resident", "add"}, {"resident", "update"},
        {"resident", "death"}, {"resident", "move"}, {"resident", "household"}, {"resident", "card"},
        {"resident", "merge"}, {"log", "verify"}, {"state-hash"}, {"report"}}) {
    cmd.push_back("--help");
    auto r = RunDancu(cmd);
    INFO(cmd.front());
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Usage"));
  }
  CHECK(RunDancu({"no-such-command"}).exit_code == 2);
}

TEST_CASE("writes need a known officer and the right password") {
  CommuneCli cli;
  const std::string before = cli.StateHash();
  auto no_password = RunDancu({"resident", "add", "--data", cli.data(), "--officer", "officer.an",
                               ValidResident(1).dump()});
  CHECK(no_password.exit_code == 1);
  CHECK_THAT(no_password.err, Catch::Contains("password"));
  ProcessOptions wrong;
  wrong.env = {{"DANCU_PASSWORD", "not the password"}, {"DANCU_OFFICER", "officer.an"}};
  auto denied = RunDancu({"resident", "add", "--data", cli.data(), ValidResident(1).dump()}, wrong);
  CHECK(denied.exit_code == 1);
  CHECK_THAT(denied.err, Catch::Contains("wrong password"));
  CHECK(cli.StateHash() == before);
}

TEST_CASE("bad residents are rejected field by field and change nothing") {
  CommuneCli cli;
  cli.Add(ValidResident(1));
  const std::string before = cli.StateHash();
  struct Case {
    const char* what;
    json resident;
    const char* field;
  };
  json bad_province = ValidResident(2);
  bad_province["citizen_no"] = "003085000002";
  json bad_sex_digit = ValidResident(3);
  bad_sex_digit["citizen_no"] = "001185000003";
  json unknown_unit = ValidResident(4);
  unknown_unit["permanent_residence"]["unit"] = "99999";
  json wrong_type = ValidResident(5);
  wrong_type["birth_date"] = 1985;
  json overlong = ValidResident(6);
  overlong["full_name"] = std::string(3000, 'a');
  json duplicate = ValidResident(1, "Lê Văn Khác");
  json other_commune = ValidResident(7);
  other_commune["permanent_residence"]["unit"] = "00004";
  const Case cases[] = {
      {"province 003 does not exist", bad_province, "citizen_no"},
      {"sex digit says female", bad_sex_digit, "citizen_no"},
      {"unknown unit", unknown_unit, "permanent_residence.unit"},
      {"wrong type", wrong_type, "birth_date"},
      {"overlong name", overlong, "full_name"},
      {"citizen number taken", duplicate, "citizen_no"},
      {"outside this commune", other_commune, "home_unit"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto r = cli.Run({"resident", "add", "--data", cli.data(), "--json", c.resident.dump()});
    CHECK(r.exit_code == 3);
    json out = json::parse(r.out);
    bool named = false;
    for (const auto& e : out["rejected"]) named |= e["field"] == c.field;
    CHECK(named);
  }
  auto malformed = cli.Run({"resident", "add", "--data", cli.data(), "{\"full_name\": \"An\","});
  CHECK(malformed.exit_code == 1);
  CHECK_THAT(malformed.err, Catch::Contains("malformed JSON"));
  auto bad_utf8 = cli.Run({"resident", "add", "--data", cli.data(), "{\"full_name\": \"Nguy\xff\xfe\"}"});
  CHECK(bad_utf8.exit_code != 0);
  CHECK(cli.StateHash() == before);
  CHECK(cli.Run({"log", "verify", "--data", cli.data()}).exit_code == 0);
}

TEST_CASE("a birth needs its sex and date, gets its number here, and needs a lease; else nothing changes") {
  CommuneCli cli;
  const std::string before = cli.StateHash();
  auto numbered = cli.Run({"resident", "birth", "--data", cli.data(),
                           R"({"full_name": "Lò Thị Hoa", "sex": "female", "birth_date": "2026-01-02", "citizen_no": "001326900001"})"});
  CHECK(numbered.exit_code == 1);
  CHECK_THAT(numbered.err, Catch::Contains("citizen_no: a birth gets its citizen number"));
  auto incomplete = cli.Run({"resident", "birth", "--data", cli.data(), R"({"full_name": "Lò Thị Hoa"})"});
  CHECK(incomplete.exit_code == 1);
  CHECK_THAT(incomplete.err, Catch::Contains("sex: a birth needs the sex"));
  CHECK_THAT(incomplete.err, Catch::Contains("birth_date: a birth needs the birth date"));
  auto no_lease = cli.Run({"resident", "birth", "--data", cli.data(),
                           R"({"full_name": "Lò Thị Hoa", "sex": "female", "birth_date": "2026-01-02"})"});
  CHECK(no_lease.exit_code == 1);
  CHECK_THAT(no_lease.err, Catch::Contains("holds no citizen-number serials: sync with the parent"));
  CHECK(cli.StateHash() == before);
}

TEST_CASE("an import keeps the good lines and reports each bad one by line and field") {
  CommuneCli cli;
  {
    std::ofstream f(cli.file("in.jsonl"));
    f << ValidResident(1).dump() << "\n";
    f << "this is not json\n";
    json future = ValidResident(2);
    future["birth_date"] = "2999-01-01";
    f << future.dump() << "\n";
    f << "\n";
    f << ValidResident(3, "Trần Thị Bình").dump() << "\n";
    f << "{\"full_name\": 5}\n";
    f << ValidResident(1, "Lặp Số Định Danh").dump() << "\n";
  }
  auto r = cli.Run({"import", "--data", cli.data(), "--json", cli.file("in.jsonl")});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 3);
  std::map<int, json> rejected;
  json done;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    json event = json::parse(line);
    if (event["event"] == "rejected") rejected[event["line"]] = event["errors"];
    if (event["event"] == "done") done = event;
  }
  CHECK(done["accepted"] == 2);
  CHECK(done["rejected"] == 4);
  REQUIRE(rejected.size() == 4);
  CHECK(rejected.count(2));
  CHECK(rejected.count(3));
  CHECK(rejected.count(6));
  CHECK(rejected.count(7));
  CHECK(rejected[7][0]["field"] == "citizen_no");
  CHECK(cli.Run({"resident", "show", "--data", cli.data(), "001085000003"}).exit_code == 0);
  CHECK(cli.Run({"log", "verify", "--data", cli.data()}).exit_code == 0);
}

TEST_CASE("an officer finds, corrects, records a death, a card, a household and a merge") {
  CommuneCli cli;
  std::string an = cli.Add(ValidResident(1));
  std::string twin = cli.Add(ValidResident(2, "Nguyễn Văn Ân"));

  auto found = json::parse(cli.Expect({"resident", "find", "--data", cli.data(), "--json", "NGUYEN VAN AN 1985"}, 0).out);
  REQUIRE(found.size() == 2);
  CHECK(found[0]["full_name"] == "Nguyễn Văn An");

  cli.Expect({"resident", "update", "--data", cli.data(), an, R"({"religion": "Phật giáo"})"}, 0);
  auto refused = cli.Run({"resident", "update", "--data", cli.data(), an, R"({"status": "deceased"})"});
  CHECK(refused.exit_code == 3);  // a death is recorded with `resident death`, not an update
  // Applying needs a photo and both index fingers (tests/tools/enroll_cli_test.cc); recording a
  // card issued on an earlier application does not.
  auto no_biometrics = cli.Run({"resident", "card", "--data", cli.data(), "001085000001", "--status",
                                "applied", "--application-id", "HS-1", "--applied-on", "2024-05-01"});
  CHECK(no_biometrics.exit_code == 3);
  CHECK_THAT(no_biometrics.err, Catch::Contains("biometrics.photo"));
  cli.Expect({"resident", "card", "--data", cli.data(), "001085000001", "--status", "issued",
              "--application-id", "HS-1", "--applied-on", "2024-05-01", "--card-no", "001085000001",
              "--issued-on", "2024-05-15"}, 0);
  cli.Expect({"resident", "household", "--data", cli.data(), an, "--id", "HK-9", "--relationship", "head"}, 0);
  // Merging a resident registered twice is the commune chief's decision, not a clerk's.
  auto clerk_merge = cli.Run({"resident", "merge", "--data", cli.data(), twin, "--into", an});
  CHECK(clerk_merge.exit_code != 0);
  CHECK_THAT(clerk_merge.err, Catch::Contains("may not merge duplicates"));
  cli.Expect({"officer", "add", "--data", cli.data(), "--name", "chief.binh", "--role", "chief"}, 0);
  ProcessOptions as_chief;
  as_chief.env.emplace("DANCU_OFFICER", "chief.binh");
  cli.Expect({"resident", "merge", "--data", cli.data(), twin, "--into", an}, 0, as_chief);
  cli.Expect({"resident", "death", "--data", cli.data(), an, "--date", "2024-05-20"}, 0);
  auto death_before_birth = cli.Run({"resident", "death", "--data", cli.data(), an, "--date", "1970-01-01"});
  CHECK(death_before_birth.exit_code == 3);

  auto shown = json::parse(cli.Expect({"resident", "show", "--data", cli.data(), "--json", an}, 0).out);
  CHECK(shown["record"]["status"] == "deceased");
  CHECK(shown["record"]["religion"] == "Phật giáo");
  CHECK(shown["record"]["card"]["status"] == "issued");
  CHECK(shown["record"]["household"]["id"] == "HK-9");
  auto merged = json::parse(cli.Expect({"resident", "show", "--data", cli.data(), "--json", twin}, 0).out);
  CHECK(merged["record"]["merged_into"] == an);

  auto report = json::parse(cli.Expect({"report", "--data", cli.data(), "--json"}, 0).out);
  CHECK(report["total"]["residents"] == 1);  // the merged duplicate no longer counts
  CHECK(report["total"]["deceased"] == 1);
  CHECK(report["total"]["applications"] == 1);
  CHECK(report["units"][0]["unit"] == "00001");
  auto verified = json::parse(cli.Expect({"log", "verify", "--data", cli.data(), "--json"}, 0).out);
  CHECK(verified["entries"] == 7);
  CHECK(verified["state_hash"] == cli.StateHash());
}

TEST_CASE("a move hands the record to another unit, after which this commune may not change it") {
  CommuneCli cli;
  std::string id = cli.Add(ValidResident(1));
  cli.Expect({"resident", "move", "--data", cli.data(), id, "--unit", "00004", "--address", "Tổ 5"}, 0);
  auto shown = json::parse(cli.Expect({"resident", "show", "--data", cli.data(), "--json", id}, 0).out);
  CHECK(shown["record"]["home_unit"] == "00004");
  auto refused = cli.Run({"resident", "update", "--data", cli.data(), id, R"({"religion": "Không"})"});
  CHECK(refused.exit_code == 3);
  CHECK_THAT(refused.err, Catch::Contains("home_unit"));
}

TEST_CASE("a full disk fails the import cleanly; what was acknowledged stays, and a retry completes") {
  CommuneCli cli;
  {
    std::ofstream f(cli.file("many.jsonl"));
    for (uint32_t i = 1; i <= 3000; ++i) f << ValidResident(i, "Nguyễn Văn An").dump() << "\n";
  }
  ProcessOptions full;
  full.file_size_limit = 256 * 1024;  // every file the node writes stops growing at 256 KiB
  auto r = cli.Run({"import", "--data", cli.data(), "--json", "--batch", "100", cli.file("many.jsonl")}, full);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("error"));
  uint64_t acknowledged = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    json event = json::parse(line);
    if (event.value("event", "") == "committed") acknowledged = event["accepted"];
  }
  REQUIRE(cli.Run({"log", "verify", "--data", cli.data()}).exit_code == 0);
  auto report = json::parse(cli.Expect({"report", "--data", cli.data(), "--json"}, 0).out);
  CHECK(report["total"]["residents"].get<uint64_t>() >= acknowledged);
  auto retry = cli.Run({"import", "--data", cli.data(), "--json", cli.file("many.jsonl")});
  CHECK(retry.exit_code == 0);  // the lines already imported are skipped, not refused
  report = json::parse(cli.Expect({"report", "--data", cli.data(), "--json"}, 0).out);
  CHECK(report["total"]["residents"] == 3000);
  CHECK(cli.Run({"log", "verify", "--data", cli.data()}).exit_code == 0);
}

}  // namespace
}  // namespace dancu::testing
