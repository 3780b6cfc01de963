// The web console's JSON API, through a real `dancu serve --http` process: bad input of every kind
// gets a clear JSON error and changes nothing (the state hash is the same after the server has
// stopped), and a good change is made in the logged-in officer's name.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/support/commune_cli.h"
#include "tests/support/console_client.h"
#include "tests/support/serve_process.h"

namespace dancu::testing {
namespace {

using nlohmann::json;

// Runs `scenario` against a fresh `dancu serve` of the commune, stops it with SIGTERM (it must
// exit 0), and REQUIREs the state hash to be what it was before.
void ExpectNothingChanged(CommuneCli& cli, const std::function<void(ServeProcess&, ConsoleClient&)>& scenario,
                          const std::vector<std::string>& serve_args = {}) {
  const std::string before = cli.StateHash();
  {
    ServeProcess server(cli.data(), serve_args);
    ConsoleClient browser(server);
    scenario(server, browser);
    INFO(server.output());
    REQUIRE(server.Stop() == 0);
  }
  CHECK(cli.StateHash() == before);
}

json Resident(uint32_t serial, const std::string& name) { return ValidResident(serial, name); }

TEST_CASE("the console logs officers in with an HttpOnly SameSite=Strict cookie") {
  CommuneCli cli;
  ExpectNothingChanged(cli, [](ServeProcess&, ConsoleClient& browser) {
    auto res = browser.Login(json{{"officer", "officer.an"}, {"password", kOfficerPassword}}.dump());
    REQUIRE(res->status == 200);
    const std::string cookie = res->get_header_value("Set-Cookie");
    CHECK_THAT(cookie, Catch::StartsWith("dancu_session="));
    CHECK_THAT(cookie, Catch::Contains("HttpOnly"));
    CHECK_THAT(cookie, Catch::Contains("SameSite=Strict"));
    const json body = json::parse(res->body);
    CHECK(body["officer"] == "officer.an");
    CHECK(body["csrf_token"].get<std::string>().size() == 64);
    CHECK(body["node"]["unit"] == "00001");
    auto session = browser.Get("/api/session");
    REQUIRE(session->status == 200);
    CHECK(json::parse(session->body)["officer"] == "officer.an");
  });
}

TEST_CASE("bad credentials and malformed logins get clear errors and no session") {
  CommuneCli cli;
  ExpectNothingChanged(cli, [](ServeProcess&, ConsoleClient& browser) {
    auto wrong = browser.Login(json{{"officer", "officer.an"}, {"password", "not the password"}}.dump());
    ExpectError(wrong, 401, "bad_credentials");
    CHECK_FALSE(wrong->has_header("Set-Cookie"));
    ExpectError(browser.Login(json{{"officer", "nobody"}, {"password", kOfficerPassword}}.dump()), 401,
                "bad_credentials");
    ExpectError(browser.Login(R"({"officer": "officer.an")"), 400, "invalid_json");
    ExpectError(browser.Login(R"({"officer": "officer.an"})"), 400, "missing_field");
    ExpectError(browser.Login(R"({"officer": "officer.an", "password": 12345678})"), 400, "bad_field");
    ExpectError(browser.Login(R"(["officer.an"])"), 400, "invalid_json");
    ExpectError(browser.Get("/api/session"), 401, "no_session");
  });
}

TEST_CASE("after five wrong passwords in a minute an officer must wait, even with the right one") {
  CommuneCli cli;
  ExpectNothingChanged(cli, [](ServeProcess&, ConsoleClient& browser) {
    const std::string wrong = json{{"officer", "officer.an"}, {"password", "guess, guess"}}.dump();
    for (int i = 0; i < 5; ++i) ExpectError(browser.Login(wrong), 401, "bad_credentials");
    auto refused = browser.Login(json{{"officer", "officer.an"}, {"password", kOfficerPassword}}.dump());
    ExpectError(refused, 429, "too_many_attempts");
    CHECK_FALSE(refused->has_header("Set-Cookie"));
    const int retry_after = std::stoi(refused->get_header_value("Retry-After"));
    CHECK(retry_after >= 1);
    CHECK(retry_after <= 60);
  });
}

TEST_CASE("changes without a session are refused and change nothing") {
  CommuneCli cli;
  ExpectNothingChanged(cli, [](ServeProcess&, ConsoleClient& browser) {
    ExpectError(browser.Post("/api/residents", Resident(1, "Nguyễn Văn An").dump()), 401, "no_session");
    browser.cookie = "dancu_session=" + std::string(64, 'a');
    browser.csrf = std::string(64, 'b');
    ExpectError(browser.Post("/api/residents", Resident(1, "Nguyễn Văn An").dump()), 401, "no_session");
    ExpectError(browser.Get("/api/residents?q=an"), 401, "no_session");
  });
}

TEST_CASE("an expired session is refused and changes nothing") {
  CommuneCli cli;
  ExpectNothingChanged(
      cli,
      [](ServeProcess&, ConsoleClient& browser) {
        browser.LogIn();
        REQUIRE(browser.Get("/api/session")->status == 200);
        std::this_thread::sleep_for(std::chrono::milliseconds(4000));  // idle 3 s is the limit
        ExpectError(browser.Post("/api/residents", Resident(1, "Nguyễn Văn An").dump()), 401,
                    "session_expired");
        ExpectError(browser.Get("/api/session"), 401, "no_session");  // forgotten once expired
      },
      {"--session-idle-minutes", "0.05"});
}

TEST_CASE("a forged or missing CSRF token, or another site's origin, is refused") {
  CommuneCli cli;
  cli.Add(ValidResident(1));
  ExpectNothingChanged(cli, [](ServeProcess& server, ConsoleClient& browser) {
    browser.LogIn();
    const std::string real = browser.csrf;
    browser.csrf = std::string(real.size(), real[0] == 'f' ? 'e' : 'f');  // same length, wrong
    ExpectError(browser.Post("/api/residents", Resident(2, "Nguyễn Văn Bình").dump()), 403, "csrf");
    browser.csrf = real.substr(0, 63);
    ExpectError(browser.Post("/api/residents", Resident(2, "Nguyễn Văn Bình").dump()), 403, "csrf");
    browser.csrf = "";
    ExpectError(browser.Post("/api/residents/001085000001/death", "{}"), 403, "csrf");
    ExpectError(browser.Post("/api/logout", "{}"), 403, "csrf");
    browser.csrf = real;
    browser.extra = {{"Origin", "http://evil.example"}};
    ExpectError(browser.Post("/api/residents/001085000001/death", "{}"), 403, "origin");
    browser.extra = {{"Host", "evil.example:" + std::to_string(server.port())}};
    ExpectError(browser.Get("/api/session"), 421, "wrong_host");
    browser.extra = {};
    REQUIRE(browser.Get("/api/session")->status == 200);  // the session itself still works
  });
}

TEST_CASE("malformed JSON, missing fields and invalid values change nothing") {
  CommuneCli cli;
  const std::string id = cli.Add(ValidResident(1));
  ExpectNothingChanged(cli, [&id](ServeProcess&, ConsoleClient& browser) {
    browser.LogIn();
    ExpectError(browser.Post("/api/residents", R"({"full_name": "Lò Thị Mai",)"), 400, "invalid_json");
    ExpectError(browser.Post("/api/residents", "not json at all"), 400, "invalid_json");
    ExpectError(browser.Post("/api/residents", R"({"a": 1, "a": 2})"), 400, "invalid_json");
    ExpectError(browser.Post("/api/residents", Resident(2, "Lò Văn Hai").dump(), "text/plain"), 415,
                "unsupported_media_type");
    ExpectError(browser.Post("/api/residents/" + id + "/move", "{}"), 400, "missing_field");
    ExpectError(browser.Post("/api/residents/" + id + "/household", R"({"id": "HK1"})"), 400,
                "missing_field");
    ExpectError(browser.Post("/api/residents/" + id + "/correction", "{}"), 400, "missing_field");
    ExpectError(browser.Post("/api/residents/" + id + "/card", "{}"), 400, "missing_field");

    // A new resident without the required fields: one error per field.
    ExpectError(browser.Post("/api/residents", "{}"), 422, "rejected");
    json partial = ExpectError(browser.Post("/api/residents", R"({"nationality": "VN"})"), 422, "rejected");
    std::set<std::string> fields;
    for (const auto& e : partial["error"]["fields"]) fields.insert(e["field"].get<std::string>());
    CHECK(fields.count("full_name") == 1);
    CHECK(fields.count("birth_date") == 1);
    CHECK(fields.count("sex") == 1);

    json bad_date = Resident(2, "Lò Văn Hai");
    bad_date["birth_date"] = "2019-02-30";
    json rejected = ExpectError(browser.Post("/api/residents", bad_date.dump()), 422, "rejected");
    REQUIRE(rejected["error"]["fields"].size() == 1);
    CHECK(rejected["error"]["fields"][0]["field"] == "birth_date");

    json unknown_key = Resident(2, "Lò Văn Hai");
    unknown_key["favourite_colour"] = "red";
    ExpectError(browser.Post("/api/residents", unknown_key.dump()), 422, "rejected");
    // A correction may not set what has its own operation.
    ExpectError(browser.Post("/api/residents/" + id + "/correction", R"({"status": "deceased"})"), 422,
                "rejected");
    ExpectError(browser.Post("/api/residents/" + id + "/death", R"({"death_date": "2999-01-01"})"), 422,
                "rejected");
    ExpectError(browser.Post("/api/residents/" + id + "/move", R"({"unit": "99999"})"), 422, "rejected");
    ExpectError(browser.Post("/api/residents/nope-1/death", "{}"), 404, "not_found");
    ExpectError(browser.Post("/api/residents/" + id + "/fingers/left-index", R"({"exception": "lost"})"),
                400, "bad_field");
    ExpectError(browser.Post("/api/residents/" + id + "/photo", "not an image", "image/png"), 422,
                "bad_photo");
    ExpectError(browser.Get("/api/no-such-thing"), 404, "not_found");
  });
}

TEST_CASE("births, conflicts, bundles and sync status refuse bad input and change nothing") {
  CommuneCli cli;
  cli.Add(ValidResident(1));
  const std::string before = cli.StateHash();
  ExpectNothingChanged(cli, [](ServeProcess&, ConsoleClient& browser) {
    const std::string birth = R"({"full_name": "Lò Thị Hoa", "birth_date": "2026-01-02", "sex": "female",
                                  "hometown": {"unit": "00001"}, "permanent_residence": {"unit": "00001"},
                                  "household": {"id": "HK1", "relationship": "child"}})";
    // No session: every new endpoint answers 401.
    ExpectError(browser.Post("/api/births", birth), 401, "no_session");
    ExpectError(browser.Post("/api/conflicts/0123456789abcdef/resolve", R"({"keep": "kept"})"), 401, "no_session");
    ExpectError(browser.Post("/api/bundles", R"({"for": "0123456789abcdef"})"), 401, "no_session");
    ExpectError(browser.Get("/api/sync/status"), 401, "no_session");
    ExpectError(browser.Get("/api/conflicts"), 401, "no_session");
    ExpectError(browser.Get("/api/quarantine"), 401, "no_session");

    browser.LogIn();
    // A forged CSRF token.
    const std::string real = browser.csrf;
    browser.csrf = std::string(real.size(), real[0] == 'f' ? 'e' : 'f');
    ExpectError(browser.Post("/api/births", birth), 403, "csrf");
    ExpectError(browser.Post("/api/conflicts/0123456789abcdef/resolve", R"({"keep": "kept"})"), 403, "csrf");
    ExpectError(browser.Post("/api/bundles", R"({"for": "0123456789abcdef"})"), 403, "csrf");
    browser.csrf = real;

    // Births: malformed JSON, the fields a birth needs, a number given, and a node without a lease.
    ExpectError(browser.Post("/api/births", R"({"full_name": )"), 400, "invalid_json");
    json missing = ExpectError(browser.Post("/api/births", R"({"full_name": "Lò Thị Hoa"})"), 422, "rejected");
    std::set<std::string> fields;
    for (const auto& e : missing["error"]["fields"]) fields.insert(e["field"].get<std::string>());
    CHECK(fields == std::set<std::string>{"sex", "birth_date"});
    json numbered = json::parse(birth);
    numbered["citizen_no"] = "001226000001";
    json given = ExpectError(browser.Post("/api/births", numbered.dump()), 422, "rejected");
    CHECK(given["error"]["fields"][0]["field"] == "citizen_no");
    json no_lease = ExpectError(browser.Post("/api/births", birth), 409, "no_lease");
    CHECK_THAT(no_lease["error"]["message"].get<std::string>(), Catch::Contains("sync with the parent"));

    // Conflicts: malformed, no decision, an unknown conflict.
    ExpectError(browser.Post("/api/conflicts/0123456789abcdef/resolve", "{"), 400, "invalid_json");
    ExpectError(browser.Post("/api/conflicts/0123456789abcdef/resolve", "{}"), 400, "missing_field");
    ExpectError(browser.Post("/api/conflicts/0123456789abcdef/resolve", R"({"keep": 1})"), 400, "bad_field");
    // A commune's clerk decides nothing, whatever the conflict (officer_roles_cli_test has the rest).
    ExpectError(browser.Post("/api/conflicts/0123456789abcdef/resolve", R"({"keep": "kept"})"), 403,
                "permission_denied");
    CHECK(ExpectJson(browser.Get("/api/conflicts"), 200)["conflicts"] == json::array());
    CHECK(ExpectJson(browser.Get("/api/quarantine"), 200)["quarantine"] == json::array());

    // Bundles: malformed, no recipient, not a node id, a node this one does not know.
    ExpectError(browser.Post("/api/bundles", "[1]"), 400, "invalid_json");
    ExpectError(browser.Post("/api/bundles", "{}"), 400, "missing_field");
    ExpectError(browser.Post("/api/bundles", R"({"for": "not a node"})"), 400, "bad_field");
    ExpectError(browser.Post("/api/bundles", R"({"for": "0123456789abcdef"})"), 404, "not_found");

    // An uncertified node with no replicator: no peers, nothing waiting.
    json status = ExpectJson(browser.Get("/api/sync/status"), 200);
    CHECK(status["peers"] == json::array());
    CHECK(status["waiting_up"].is_null());
    CHECK(status["replicating"] == false);
    CHECK(status["changes_held"] == 1);
  });
  CHECK(cli.StateHash() == before);
}

TEST_CASE("a registration and a death are made in the officer's name and change the state") {
  CommuneCli cli;
  const std::string before = cli.StateHash();
  std::string id;
  {
    ServeProcess server(cli.data());
    ConsoleClient browser(server);
    browser.LogIn();
    auto created = browser.Post("/api/residents", Resident(7, "Lò Văn Mai").dump());
    INFO(created->body);
    REQUIRE(created->status == 201);
    const json made = json::parse(created->body);
    id = made["id"];
    CHECK(made["officer"] == "officer.an");
    CHECK(made["operation"] == "create");

    auto found = browser.Get("/api/residents?q=lo%20van%20mai");
    REQUIRE(found->status == 200);
    const json results = json::parse(found->body)["results"];
    REQUIRE(results.size() == 1);
    CHECK(results[0]["id"] == id);
    CHECK(results[0]["full_name"] == "Lò Văn Mai");

    auto death = browser.Post("/api/residents/" + id + "/death", R"({"death_date": "2024-01-02"})");
    INFO(death->body);
    REQUIRE(death->status == 200);

    auto view = browser.Get("/api/residents/" + id);
    REQUIRE(view->status == 200);
    const json shown = json::parse(view->body);
    CHECK(shown["record"]["status"] == "deceased");
    CHECK(shown["record"]["death_date"] == "2024-01-02");

    auto history = browser.Get("/api/residents/" + id + "/history");
    REQUIRE(history->status == 200);
    const json changes = json::parse(history->body)["changes"];
    REQUIRE(changes.size() == 2);
    CHECK(changes[0]["operation"] == "create");
    CHECK(changes[1]["operation"] == "recordDeath");
    for (const auto& change : changes) {
      CHECK(change["officer"] == "officer.an");
      CHECK(change["origin"].get<std::string>().size() == 16);
    }
    CHECK(changes[1]["fields"] == json::array({"status", "death_date"}));

    auto report = browser.Get("/api/report");
    REQUIRE(report->status == 200);
    CHECK(json::parse(report->body)["total"]["deceased"] == 1);
    // Both changes are held, and no parent is known to hold them (the node is not certified).
    CHECK(ExpectJson(browser.Get("/api/sync/status"), 200)["changes_held"] == 2);

    REQUIRE(browser.Post("/api/logout", "{}")->status == 200);
    ExpectError(browser.Get("/api/session"), 401, "no_session");
    INFO(server.output());
    REQUIRE(server.Stop() == 0);
    CHECK_THAT(server.output(), Catch::Contains("stopped"));
  }
  CHECK(cli.StateHash() != before);
  cli.Expect({"log", "verify", "--data", cli.data()}, 0);
  auto shown = cli.Expect({"resident", "show", "--data", cli.data(), "--json", id}, 0);
  CHECK(json::parse(shown.out)["record"]["status"] == "deceased");
}

TEST_CASE("the console's pages are served from the binary with a strict policy") {
  CommuneCli cli;
  ServeProcess server(cli.data());
  ConsoleClient browser(server);
  auto index = browser.Get("/");
  REQUIRE(index->status == 200);
  CHECK_THAT(index->body, Catch::Contains("/static/app.js"));
  CHECK_THAT(index->get_header_value("Content-Security-Policy"), Catch::Contains("script-src 'self'"));
  CHECK(index->get_header_value("X-Frame-Options") == "DENY");
  auto script = browser.Get("/static/app.js");
  REQUIRE(script->status == 200);
  CHECK_THAT(script->get_header_value("Content-Type"), Catch::StartsWith("text/javascript"));
  CHECK(browser.Get("/static/nothing.js")->status == 404);
  CHECK(browser.Get("/static/../CMakeLists.txt")->status == 404);
  REQUIRE(server.Stop() == 0);
}

TEST_CASE("dancu serve refuses bad options") {
  CommuneCli cli;
  auto no_port = RunDancu({"serve", "--data", cli.data(), "--http", "127.0.0.1"});
  CHECK(no_port.exit_code == 1);
  CHECK_THAT(no_port.err, Catch::Contains("HOST:PORT"));
  auto idle = RunDancu({"serve", "--data", cli.data(), "--http", "127.0.0.1:0", "--session-idle-minutes", "0"});
  CHECK(idle.exit_code == 1);
  CHECK_THAT(idle.err, Catch::Contains("session-idle-minutes"));
  auto no_node = RunDancu({"serve", "--data", cli.file("missing"), "--http", "127.0.0.1:0"});
  CHECK(no_node.exit_code == 1);
}

}  // namespace
}  // namespace dancu::testing
