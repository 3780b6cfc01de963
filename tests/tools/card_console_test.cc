// The console's "Đọc thẻ" API (POST /api/card/read) on a real `dancu serve`, reading the software
// card through a private pcscd and the vpcd virtual reader.
#include <catch2/catch.hpp>
#include <fstream>

#include "devices/card/passive_auth.h"
#include "devices/card/vpcd_card.h"
#include "tools/fixtures/test_card.h"
#include "tools/fixtures/private_pcscd.h"
#include "tests/support/commune_cli.h"
#include "tests/support/console_client.h"
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
}

}  // namespace
}  // namespace dancu::testing
