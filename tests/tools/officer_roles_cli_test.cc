// Officer roles through the dancu command and a real `dancu serve --http` (node/officers.h): roles
// set and listed by the CLI; a clerk or a commune's chief refused a review decision (CLI error,
// console 403); the chief adding an officer from the console, who then logs in with that role;
// roles changed and accounts removed from the CLI and the console, which ends the officer's
// sessions at once, and never leaves a node without an officer who manages officers.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/commune_cli.h"
#include "tests/support/console_client.h"
#include "tests/support/serve_process.h"
#include "tests/support/test_node.h"

namespace dancu::testing {
namespace {

using nlohmann::json;

constexpr char kChiefPassword[] = "mật khẩu của trưởng";

ProcessOptions As(const std::string& officer, const std::string& password) {
  ProcessOptions options;
  options.env = {{"DANCU_OFFICER", officer}, {"DANCU_PASSWORD", password}};
  return options;
}

TEST_CASE("the CLI sets and lists roles, and refuses a review decision to a commune's officers") {
  CommuneCli cli;
  const std::string before = cli.StateHash();
  auto listed = cli.Expect({"officer", "list", "--data", cli.data(), "--json"}, 0);
  CHECK(json::parse(listed.out) == json::parse(R"([{"name": "officer.an", "role": "clerk"}])"));
  auto no_operator = RunDancu({"officer", "add", "--data", cli.data(), "--name", "op.an", "--role", "operator"},
                              As("", kChiefPassword));
  CHECK(no_operator.exit_code == 1);
  CHECK_THAT(no_operator.err, Catch::Contains("a clerk or a chief, not operator"));
  auto unknown = RunDancu({"officer", "add", "--data", cli.data(), "--name", "x.an", "--role", "boss"},
                          As("", kChiefPassword));
  CHECK(unknown.exit_code == 1);
  CHECK_THAT(unknown.err, Catch::Contains("--role must be clerk, chief or operator"));
  REQUIRE(RunDancu({"officer", "add", "--data", cli.data(), "--name", "chief.an", "--role", "chief"},
                   As("", kChiefPassword))
              .exit_code == 0);
  listed = cli.Expect({"officer", "list", "--data", cli.data()}, 0);
  CHECK_THAT(listed.out, Catch::Contains("chief.an\tchief"));

  for (const auto& [officer, password] : {std::pair<std::string, std::string>("officer.an", kOfficerPassword),
                                          std::pair<std::string, std::string>("chief.an", kChiefPassword)}) {
    INFO(officer);
    auto refused = RunDancu({"conflicts", "resolve", "0123456789abcdef", "--keep", "kept", "--data", cli.data()},
                            As(officer, password));
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Catch::Contains("only an operator of a district, province or central node decides"));
  }
  CHECK(cli.StateHash() == before);
}

TEST_CASE("the CLI changes a role and removes an account, but keeps the node's last chief") {
  CommuneCli cli;
  const std::string before = cli.StateHash();
  auto last = RunDancu({"officer", "set-role", "--data", cli.data(), "--name", "officer.an", "--role", "chief"});
  REQUIRE(last.exit_code == 0);
  CHECK_THAT(last.out, Catch::Contains("officer officer.an is now chief"));
  auto demote = RunDancu({"officer", "set-role", "--data", cli.data(), "--name", "officer.an", "--role", "clerk"});
  CHECK(demote.exit_code == 1);
  CHECK_THAT(demote.err, Catch::Contains("the node's last one to manage officers"));
  auto remove_last = RunDancu({"officer", "remove", "--data", cli.data(), "--name", "officer.an"});
  CHECK(remove_last.exit_code == 1);
  CHECK_THAT(remove_last.err, Catch::Contains("the node's last one to manage officers"));
  auto no_such = RunDancu({"officer", "remove", "--data", cli.data(), "--name", "nobody"});
  CHECK(no_such.exit_code == 1);
  CHECK_THAT(no_such.err, Catch::Contains("no officer nobody on this node"));
  auto no_operator = RunDancu({"officer", "set-role", "--data", cli.data(), "--name", "officer.an", "--role", "operator"});
  CHECK(no_operator.exit_code == 1);
  CHECK_THAT(no_operator.err, Catch::Contains("a clerk or a chief, not operator"));

  REQUIRE(RunDancu({"officer", "add", "--data", cli.data(), "--name", "chief.an", "--role", "chief"},
                   As("", kChiefPassword))
              .exit_code == 0);
  REQUIRE(RunDancu({"officer", "remove", "--data", cli.data(), "--name", "officer.an"}).exit_code == 0);
  auto listed = cli.Expect({"officer", "list", "--data", cli.data(), "--json"}, 0);
  CHECK(json::parse(listed.out) == json::parse(R"([{"name": "chief.an", "role": "chief"}])"));
  // The removed officer cannot act any more; the records they made are unchanged.
  auto gone = RunDancu({"resident", "add", "--data", cli.data(), ValidResident(1).dump()},
                       As("officer.an", kOfficerPassword));
  CHECK(gone.exit_code == 1);
  CHECK_THAT(gone.err, Catch::Contains("unknown officer or wrong password"));
  CHECK(cli.StateHash() == before);
}

TEST_CASE("the console refuses a clerk's decision and officer management, and lets the chief add an officer") {
  CommuneCli cli;
  REQUIRE(RunDancu({"officer", "add", "--data", cli.data(), "--name", "chief.an", "--role", "chief"},
                   As("", kChiefPassword))
              .exit_code == 0);
  const std::string before = cli.StateHash();
  {
    ServeProcess server(cli.data());
    ConsoleClient clerk(server);
    clerk.LogIn();
    CHECK(ExpectJson(clerk.Get("/api/session"), 200)["role"] == "clerk");
    ExpectError(clerk.Post("/api/conflicts/0123456789abcdef/resolve", R"({"keep": "kept"})"), 403, "permission_denied");
    ExpectError(clerk.Get("/api/officers"), 403, "permission_denied");
    ExpectError(clerk.Post("/api/officers", json{{"name", "sneaky"}, {"password", "long enough"}, {"role", "chief"}}.dump()),
                403, "permission_denied");

    ConsoleClient chief(server);
    auto login = chief.Login(json{{"officer", "chief.an"}, {"password", kChiefPassword}}.dump());
    CHECK(ExpectJson(login, 200)["role"] == "chief");
    // A commune's chief decides no review either.
    ExpectError(chief.Post("/api/conflicts/0123456789abcdef/resolve", R"({"keep": "kept"})"), 403, "permission_denied");
    ExpectError(chief.Post("/api/officers", json{{"name", "op.binh"}, {"password", "long enough"}, {"role", "operator"}}.dump()),
                400, "invalid_argument");
    ExpectError(chief.Post("/api/officers", json{{"name", "x"}, {"password", "long enough"}, {"role", "clerk"}}.dump()),
                400, "invalid_argument");
    auto added = ExpectJson(
        chief.Post("/api/officers", json{{"name", "clerk.binh"}, {"password", "mật khẩu của Bình"}, {"role", "clerk"}}.dump()),
        201);
    CHECK(added == json{{"officer", "clerk.binh"}, {"role", "clerk"}});
    ExpectError(chief.Post("/api/officers", json{{"name", "clerk.binh"}, {"password", "another one"}, {"role", "clerk"}}.dump()),
                409, "already_exists");
    auto officers = ExpectJson(chief.Get("/api/officers"), 200)["officers"];
    CHECK(officers == json::parse(R"([{"name": "chief.an", "role": "chief"}, {"name": "clerk.binh", "role": "clerk"},
                                      {"name": "officer.an", "role": "clerk"}])"));
    ConsoleClient binh(server);
    CHECK(ExpectJson(binh.Login(json{{"officer", "clerk.binh"}, {"password", "mật khẩu của Bình"}}.dump()), 200)["role"] ==
          "clerk");

    // A role change ends the officer's sessions; they log in again as what they now are.
    ExpectError(chief.Put("/api/officers/clerk.binh", R"({"role": "operator"})"), 400, "invalid_argument");
    ExpectError(clerk.Put("/api/officers/clerk.binh", R"({"role": "chief"})"), 403, "permission_denied");
    CHECK(ExpectJson(chief.Put("/api/officers/clerk.binh", R"({"role": "chief"})"), 200) ==
          json{{"officer", "clerk.binh"}, {"role", "chief"}});
    ExpectError(binh.Get("/api/session"), 401, "no_session");
    CHECK(ExpectJson(binh.Login(json{{"officer", "clerk.binh"}, {"password", "mật khẩu của Bình"}}.dump()), 200)["role"] ==
          "chief");
    // A removed officer's session ends and their password no longer opens one.
    ExpectError(binh.Delete("/api/officers/nobody"), 404, "not_found");
    CHECK(ExpectJson(binh.Delete("/api/officers/chief.an"), 200) == json{{"officer", "chief.an"}});
    ExpectError(chief.Get("/api/officers"), 401, "no_session");
    ExpectError(chief.Login(json{{"officer", "chief.an"}, {"password", kChiefPassword}}.dump()), 401, "bad_credentials");
    // The last chief stays one.
    ExpectError(binh.Put("/api/officers/clerk.binh", R"({"role": "clerk"})"), 409, "failed_precondition");
    ExpectError(binh.Delete("/api/officers/clerk.binh"), 409, "failed_precondition");
    officers = ExpectJson(binh.Get("/api/officers"), 200)["officers"];
    CHECK(officers == json::parse(R"([{"name": "clerk.binh", "role": "chief"}, {"name": "officer.an", "role": "clerk"}])"));
    REQUIRE(server.Stop() == 0);
  }
  CHECK(cli.StateHash() == before);  // accounts are the node's own, not records
}

}  // namespace
}  // namespace dancu::testing
