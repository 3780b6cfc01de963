// Enrollment through the web console's API, on a real `dancu serve` whose reader is libfprint's
// virtual_image fed the NIST prints: the CCCD application is refused field by field while the
// photo and index fingers are missing, the photo is checked as `dancu enroll photo` checks it, a
// finger is captured stage by stage with its progress polled, another is recorded as missing, and
// the application then goes through — every change in the officer's name.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/support/commune_cli.h"
#include "tests/support/console_client.h"
#include "tests/support/serve_process.h"
#include "tools/fixtures/sample_photo.h"
#include "tools/fixtures/virtual_image_feed.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fixtures = tools::fixtures;

std::set<std::string> Fields(const json& error) {
  std::set<std::string> fields;
  for (const auto& e : error["error"]["fields"]) fields.insert(e["field"].get<std::string>());
  return fields;
}

std::set<std::string> MissingForApplication(ConsoleClient& client, const std::string& id) {
  const json view = ExpectJson(client.Get("/api/residents/" + id), 200);
  std::set<std::string> fields;
  for (const auto& m : view["application"]["missing"]) fields.insert(m["field"].get<std::string>());
  return fields;
}

TEST_CASE("a CCCD application is prepared from the console: photo, fingers, then the application") {
  CommuneCli cli;
  cli.Expect({"init", "--data", cli.file("central"), "--role", "central", "--unit", "VN"}, 0);
  cli.Expect({"cert", "request", "--data", cli.data(), "--out", cli.file("request")}, 0);
  cli.Expect({"cert", "issue", "--data", cli.file("central"), "--request", cli.file("request"),
              "--out", cli.file("chain")},
             0);
  cli.Expect({"cert", "install", "--data", cli.data(), cli.file("chain")}, 0);
  const std::string id = cli.Add(ValidResident(1));
  const std::string socket = cli.file("reader.socket");

  ServeProcess server(cli.data(), {},
                      {{"FP_DRIVERS_WHITELIST", "virtual_image"}, {"FP_VIRTUAL_IMAGE", socket}});
  ConsoleClient client(server);
  client.LogIn();

  // Refused while the photo and both index fingers are missing, each named.
  const json early = ExpectError(client.Post("/api/residents/" + id + "/card", R"({"status": "applied"})"),
                                 422, "rejected");
  CHECK(Fields(early) == std::set<std::string>{"biometrics.photo", "biometrics.right_index",
                                               "biometrics.left_index"});
  CHECK(MissingForApplication(client, id) == Fields(early));

  // The photo: the same checks as `dancu enroll photo`.
  ExpectError(client.Post("/api/residents/" + id + "/photo", "GIF89a", "image/gif"), 415,
              "unsupported_media_type");
  const std::string small = fixtures::SamplePhoto(fixtures::PhotoEncoding::kPng, 100, 100, 1);
  ExpectError(client.Post("/api/residents/" + id + "/photo", small, "image/png"), 422, "bad_photo");
  std::string truncated = fixtures::SamplePhoto(fixtures::PhotoEncoding::kJpeg, 480, 640, 2);
  truncated.resize(truncated.size() / 2);
  ExpectError(client.Post("/api/residents/" + id + "/photo", truncated, "image/jpeg"), 422, "bad_photo");
  const std::string photo = fixtures::SamplePhoto(fixtures::PhotoEncoding::kJpeg, 480, 640, 3);
  ExpectJson(client.Post("/api/residents/" + id + "/photo", photo, "image/jpeg"), 200);
  CHECK(MissingForApplication(client, id) ==
        std::set<std::string>{"biometrics.right_index", "biometrics.left_index"});

  // The left index finger is missing: an exception, no reader needed.
  ExpectJson(client.Post("/api/residents/" + id + "/fingers/left-index", R"({"exception": "missing"})"), 200);

  // The right index through the reader: each stage's prompt appears in the polled progress, and a
  // second capture is refused while the reader is busy.
  const json started =
      ExpectJson(client.Post("/api/residents/" + id + "/fingers/right-index", R"({"capture": true})"), 202);
  const std::string capture = started["capture"];
  ExpectError(client.Post("/api/residents/" + id + "/fingers/right-thumb", R"({"capture": true})"), 409,
              "failed_precondition");
  const fixtures::GreyImage print =
      fixtures::LoadPrint(std::string(DANCU_SHARED_DATA) + "/prints/whorl.png");
  std::unique_ptr<fixtures::VirtualImageClient> reader;
  size_t answered = 0;
  json progress;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  for (;;) {
    progress = ExpectJson(client.Get("/api/captures/" + capture), 200);
    if (progress["state"] != "running") break;
    const json& events = progress["events"];
    for (; answered < events.size(); ++answered) {
      if (events[answered]["kind"] != "place_finger") continue;
      if (!reader) reader = std::make_unique<fixtures::VirtualImageClient>(socket);
      reader->SendImage(print);
    }
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(50ms);
  }
  INFO(progress.dump());
  REQUIRE(progress["state"] == "enrolled");
  CHECK(progress["stages"].get<int>() >= 1);
  CHECK(progress["stage"] == progress["stages"]);
  int captured = 0;
  bool checked = false;
  for (const auto& e : progress["events"]) {
    if (e["kind"] == "captured") CHECK(e["stage"].get<int>() == ++captured);
    if (e["kind"] == "place_finger" && e["check"] == true) checked = true;
  }
  CHECK(captured == progress["stages"].get<int>());
  CHECK(checked);
  ExpectError(client.Get("/api/captures/0123456789abcdef"), 404, "not_found");
  CHECK(MissingForApplication(client, id).empty());

  // Now the application goes through.
  ExpectJson(client.Post("/api/residents/" + id + "/card",
                         R"({"status": "applied", "applied_on": "2024-05-01"})"),
             200);
  const json view = ExpectJson(client.Get("/api/residents/" + id), 200);
  CHECK(view["application"]["status"] == "applied");
  CHECK(view["record"]["biometrics"]["right_index"]["status"] == "enrolled");
  CHECK(view["record"]["biometrics"]["left_index"]["status"] == "missing");
  CHECK(view["record"]["biometrics"]["photo"]["format"] == "jpeg");

  const json changes = ExpectJson(client.Get("/api/residents/" + id + "/history"), 200)["changes"];
  std::vector<std::string> operations;
  for (const auto& c : changes) {
    operations.push_back(c["operation"]);
    CHECK(c["officer"] == "officer.an");
  }
  CHECK(operations == std::vector<std::string>{"create", "enrollPhoto", "fingerException",
                                               "enrollFinger", "cardStatus"});
  INFO(server.output());
  REQUIRE(server.Stop() == 0);
  cli.Expect({"log", "verify", "--data", cli.data()}, 0);
}

}  // namespace
}  // namespace dancu::testing
