// The console's "Đọc thẻ" API (POST /api/card/read) on a real `dancu serve`, reading the software
// card through a private pcscd and the vpcd virtual reader.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "devices/card/passive_auth.h"
#include "devices/card/vpcd_card.h"
#include "tools/fixtures/test_card.h"
#include "tools/fixtures/private_pcscd.h"
#include "tests/support/commune_cli.h"
#include "tests/support/console_client.h"
#include "tests/support/leak_check.h"
#include "tests/support/serve_process.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
namespace card = devices::card;

TEST_CASE("card_console: Đọc thẻ reads, verifies and compares with the record", "[card][pcscd]") {
  tools::fixtures::PrivatePcscd& pcscd = tools::fixtures::PrivatePcscd::Shared();
  CommuneCli cli;
  tools::fixtures::TestPki pki = tools::fixtures::MakePki();
  std::ofstream(cli.file("csca.pem")) << card::PemOf(pki.csca.get());
  cli.Expect({"card", "trust", "add", "--data", cli.data(), cli.file("csca.pem")}, 0);
  // Certified by central, so that a photo can be sealed to central's key.
  cli.Expect({"init", "--data", cli.file("central"), "--role", "central", "--unit", "VN"}, 0);
  cli.Expect({"cert", "request", "--data", cli.data(), "--out", cli.file("request")}, 0);
  cli.Expect({"cert", "issue", "--data", cli.file("central"), "--request", cli.file("request"), "--out",
              cli.file("chain")}, 0);
  cli.Expect({"cert", "install", "--data", cli.data(), cli.file("chain")}, 0);
  json resident = ValidResident(12345);
  resident["birth_date"] = "1985-07-03";  // registered with day and month swapped
  const std::string id = cli.Add(resident);
  const std::string before = cli.StateHash();

  card::SoftwareCard softcard(tools::fixtures::IssueSample(pki, 2000));
  auto inserted = card::VpcdCard::Insert(softcard, "127.0.0.1", pcscd.vpcd_port());
  REQUIRE(inserted.ok());
  ServeProcess server(cli.data());
  ConsoleClient console(server);
  console.LogIn();

  json request = {{"citizen_no", "001085012345"}, {"birth", "1985-03-07"},
                  {"expiry", "2030-03-07"}, {"record", id}};
  json read = ExpectJson(console.Post("/api/card/read", request.dump()), 200);
  CHECK(read["authentic"] == true);
  CHECK(read["verdict"] == "genuine");
  CHECK(read["card"]["full_name"] == "Nguyễn Văn An");
  CHECK(read["card"]["birth_date"] == "1985-03-07");
  CHECK(read["face"].get<std::string>().rfind("data:image/jpeg;base64,/9j/", 0) == 0);
  bool birth_listed = false;
  for (const json& d : read["differences"]) birth_listed |= d["field"] == "birth_date";
  CHECK(birth_listed);
  // The card's places as the node's units, for the new-resident and move forms.
  CHECK(read["places"]["permanent_residence"] == json({{"unit", "00001"}, {"address", "Số 1 Phúc Xá"}}));
  CHECK(read["places"]["hometown"] == json({{"unit", "00004"}, {"address", ""}}));

  request["birth"] = "1985-03-08";
  ExpectError(console.Post("/api/card/read", request.dump()), 403, "permission_denied");

  // Nothing read from the card is kept.
  CHECK(cli.StateHash() == before);

  // The card's face becomes the record's photo only when the officer sends it (the console's
  // "Lưu ảnh trên thẻ" posts these bytes), through the photo path: sealed at rest.
  CHECK_FALSE(ExpectJson(console.Get("/api/residents/" + id), 200)["record"].contains("biometrics"));
  const std::string url = read["face"];
  const std::string b64 = url.substr(url.find(',') + 1);
  std::string face(b64.size(), '\0');
  size_t face_size = 0;
  REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(face.data()), face.size(), b64.data(), b64.size(),
                            nullptr, &face_size, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0);
  face.resize(face_size);
  ExpectJson(console.Post("/api/residents/" + id + "/photo", face, "image/jpeg"), 200);
  json photo = ExpectJson(console.Get("/api/residents/" + id), 200)["record"]["biometrics"]["photo"];
  CHECK(photo["format"] == "jpeg");
  CHECK(photo["width"] == 240);
  CHECK(photo["height"] == 320);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(cli.data())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    INFO(entry.path());
    CHECK_FALSE(Reveals(bytes, face));
  }
  const std::string with_photo = cli.StateHash();

  // The officer opens a review case with the differences: bad ones are refused, changing nothing.
  const std::string case_path = "/api/residents/" + id + "/card-case";
  ExpectError(console.Post(case_path, R"({"differences": []})"), 400, "bad_field");
  ExpectError(console.Post(case_path, R"({"differences": [{"field": "face", "card": "x", "record": ""}]})"), 400,
              "bad_field");
  json with_face = read["differences"];
  with_face[0]["face"] = read["face"];
  ExpectError(console.Post(case_path, json({{"differences", with_face}}).dump()), 400, "bad_field");
  CHECK(cli.StateHash() == with_photo);
  json opened = ExpectJson(console.Post(case_path, json({{"differences", read["differences"]}}).dump()), 200);
  CHECK(opened["operation"] == "cardReview");
  json queue = ExpectJson(console.Get("/api/conflicts"), 200)["conflicts"];
  REQUIRE(queue.size() == 1);
  CHECK(queue[0]["kind"] == "card_differs");
  CHECK(queue[0]["record"] == id);
  CHECK(queue[0]["card"]["differences"] == read["differences"]);
  CHECK(queue[0]["card"].dump().find("base64") == std::string::npos);  // no face in the case
  ProcessResult listed = cli.Expect({"conflicts", "list", "--data", cli.data()}, 0);
  CHECK_THAT(listed.out, Catch::Contains(queue[0]["id"].get<std::string>() + "  record " + id + "  card_differs by "));
  CHECK_THAT(listed.out, Catch::Contains("birth_date"));
  // A commune's clerk does not decide it.
  ExpectError(console.Post("/api/conflicts/" + queue[0]["id"].get<std::string>() + "/resolve",
                           R"({"keep": "closed"})"), 403, "permission_denied");
}

}  // namespace
}  // namespace dancu::testing
