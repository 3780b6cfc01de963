// dancu card trust add|read|check, run as an officer would: the real dancu binary reading the
// software card through a private pcscd and the vpcd virtual reader. One node and one card serve
// every step, in order (each dancu run connects to the card afresh).
#include <catch2/catch.hpp>
#include <fstream>

#include "devices/card/passive_auth.h"
#include "devices/card/vpcd_card.h"
#include "tools/fixtures/test_card.h"
#include "tools/fixtures/private_pcscd.h"
#include "tests/support/commune_cli.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
namespace card = devices::card;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST_CASE("card_cli: trust add, read and check a card through pcscd", "[card][pcscd]") {
  tools::fixtures::PrivatePcscd& pcscd = tools::fixtures::PrivatePcscd::Shared();
  CommuneCli cli;
  tools::fixtures::TestPki pki = tools::fixtures::MakePki();
  WriteFile(cli.file("csca.pem"), card::PemOf(pki.csca.get()));
  WriteFile(cli.file("ds.pem"), card::PemOf(pki.ds.get()));

  ProcessResult trusted = cli.Expect({"card", "trust", "add", "--data", cli.data(), cli.file("csca.pem")}, 0);
  CHECK_THAT(trusted.out, Catch::Contains("trusted CSCA: CN=Test CSCA Viet Nam"));
  ProcessResult not_ca = cli.Expect({"card", "trust", "add", "--data", cli.data(), cli.file("ds.pem")}, 1);
  CHECK_THAT(not_ca.err, Catch::Contains("not a CA certificate"));

  // The record: the card's person, but registered with day and month swapped.
  json resident = ValidResident(12345);
  resident["birth_date"] = "1985-07-03";
  resident["hometown"] = {{"unit", "00004"}};  // 2025's Phường Ba Đình; residence: Phúc Xá
  resident["old_id_no"] = "012345678";
  resident["father"] = {{"name", "NGUYEN VAN BINH"}};  // folded names compare equal
  resident["mother"] = {{"name", "Trần Thị Cúc"}};
  const std::string id = cli.Add(resident);

  card::SoftwareCard softcard(tools::fixtures::IssueSample(pki, 2000));
  auto inserted = card::VpcdCard::Insert(softcard, "127.0.0.1", pcscd.vpcd_port());
  REQUIRE(inserted.ok());
  const std::vector<std::string> key = {"--number", "001085012345", "--birth", "1985-03-07",
                                        "--expiry", "2030-03-07", "--reader", pcscd.reader_name(),
                                        "--wait", "10"};
  auto with_key = [&](std::vector<std::string> args) {
    args.insert(args.end(), key.begin(), key.end());
    return args;
  };

  {  // read: genuine, with the DG13 fields under the record's keys
    ProcessResult read = cli.Expect(with_key({"card", "read", "--data", cli.data(), "--json"}), 0);
    json out = json::parse(read.out);
    CHECK(out["authentic"] == true);
    CHECK(out["verdict"] == "genuine");
    CHECK_FALSE(out.contains("reason"));
    CHECK(out["citizen_no"] == "001085012345");
    CHECK(out["full_name"] == "Nguyễn Văn An");
    CHECK(out["birth_date"] == "1985-03-07");
    CHECK(out["face"]["mime_type"] == "image/jpeg");
    ProcessResult text = cli.Expect(with_key({"card", "read", "--data", cli.data()}), 0);
    CHECK_THAT(text.out, Catch::Contains("card: genuine"));
    CHECK_THAT(text.out, Catch::Contains("full_name: Nguyễn Văn An"));
  }

  {  // read: a wrong birth date is refused by the card
    std::vector<std::string> args = {"card", "read", "--data", cli.data(), "--number", "001085012345",
                                     "--birth", "1985-03-08", "--expiry", "2030-03-07",
                                     "--reader", pcscd.reader_name()};
    ProcessResult denied = cli.Expect(args, 1);
    CHECK_THAT(denied.err, Catch::Contains("refused the access key"));
  }

  {  // read: a CSCA the node does not trust
    const std::string empty = cli.file("no-cscas");
    std::filesystem::create_directory(empty);
    ProcessResult read = cli.Expect(with_key({"card", "read", "--trust", empty, "--json"}), 3);
    json out = json::parse(read.out);
    CHECK(out["authentic"] == false);
    CHECK(out["verdict"] == "unknown signer");
    CHECK_THAT(out["reason"].get<std::string>(), Catch::Contains("does not trust"));
  }

  {  // check: the record's differences are listed
    ProcessResult check = cli.Expect(with_key({"card", "check", "--data", cli.data(), "--json"}), 3);
    json out = json::parse(check.out);
    CHECK(out["authentic"] == true);
    CHECK(out["record"] == id);
    INFO(out.dump());
    REQUIRE(out["differences"].size() == 1);
    CHECK(out["differences"][0]["field"] == "birth_date");
    CHECK(out["differences"][0]["card"] == "07/03/1985");
    CHECK(out["differences"][0]["record"] == "1985-07-03");
    ProcessResult text = cli.Expect(with_key({"card", "check", "--data", cli.data()}), 3);
    CHECK_THAT(text.out, Catch::Contains("birth_date: card \"07/03/1985\", record \"1985-07-03\""));
  }

  {  // trust add: a CRL the CSCA issued revoking the Document Signer; the card is then not genuine
    tools::fixtures::TestPki other = tools::fixtures::MakePki({"Another CSCA"});
    WriteFile(cli.file("forged.crl"), card::PemOf(tools::fixtures::MakeCrl(pki, {true, 0, 30, other.csca_key.get()}).get()));
    WriteFile(cli.file("other.crl"), card::PemOf(tools::fixtures::MakeCrl(other, {}).get()));
    for (const char* refused : {"forged.crl", "other.crl"}) {
      ProcessResult bad = cli.Expect({"card", "trust", "add", "--data", cli.data(), cli.file(refused)}, 1);
      CHECK_THAT(bad.err, Catch::Contains("not signed by a trusted CSCA"));
    }
    WriteFile(cli.file("junk.crl"), "-----BEGIN X509 CRL-----\nnot base64\n-----END X509 CRL-----\n");
    ProcessResult junk = cli.Expect({"card", "trust", "add", "--data", cli.data(), cli.file("junk.crl")}, 1);
    CHECK_THAT(junk.err, Catch::Contains("neither an X.509 certificate nor a CRL"));
    const std::time_t revoked_at = 1'700'000'000;  // 2023-11-14
    WriteFile(cli.file("csca.crl"), card::PemOf(tools::fixtures::MakeCrl(pki, {true, revoked_at}).get()));
    // Refused ones left nothing behind: the node still reads the card as genuine.
    cli.Expect(with_key({"card", "read", "--data", cli.data()}), 0);
    ProcessResult added = cli.Expect({"card", "trust", "add", "--data", cli.data(), cli.file("csca.crl"), "--json"}, 0);
    json installed = json::parse(added.out);
    CHECK(installed["kind"] == "crl");
    CHECK(installed["revoked"] == 1);
    CHECK(installed["issuer"] == "CN=Test CSCA Viet Nam,C=VN");
    ProcessResult read = cli.Expect(with_key({"card", "read", "--data", cli.data()}), 3);
    CHECK_THAT(read.out, Catch::Contains("card: NOT GENUINE: document signer revoked on 2023-11-14"));
  }
}

}  // namespace
}  // namespace dancu::testing
