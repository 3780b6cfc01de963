// Reading, verifying and parsing a chip citizen-ID card through the software card, in process:
// each case a way a real read goes right or wrong at the commune.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "devices/card/read_card.h"
#include "devices/card/software_card.h"
#include "devices/card/tlv.h"
#include "tools/fixtures/test_card.h"

namespace dancu::devices::card {
namespace {

using tools::fixtures::IssueSample;
using tools::fixtures::MakePki;
using tools::fixtures::TestPki;

std::string Key(const std::string& birth = "1985-03-07") {
  Result<std::string> key = CitizenCardMrzInformation("001085012345", birth, "2030-03-07");
  REQUIRE(key.ok());
  return key.value();
}

TrustStore Trusting(const TestPki& pki) {
  TrustStore trust;
  REQUIRE(trust.Add(Share(pki.csca.get())).ok());
  return trust;
}

CardFiles ReadOrFail(SoftwareCard& card, const std::string& key) {
  SoftwareCardChannel channel(card);
  Result<CardFiles> files = ReadCardFiles(channel, key);
  if (!files.ok()) FAIL(files.error().message());
  return std::move(files).value();
}

TEST_CASE("card_genuine: a genuine card reads, verifies and parses", "[card]") {
  TestPki pki = MakePki();
  CardContent content = IssueSample(pki);
  SoftwareCard card(content);
  CardFiles files = ReadOrFail(card, Key());
  CHECK(files.dg13 == content.files.dg13);
  CHECK(files.sod == content.files.sod);

  Result<CitizenCard> opened = OpenCitizenCard(files, Trusting(pki), std::time(nullptr));
  REQUIRE(opened.ok());
  const CitizenCard& c = opened.value();
  CHECK(c.verdict.authenticity == Authenticity::kGenuine);
  CHECK(c.verdict.reason.empty());
  CHECK(c.verdict.signer.find("Test Document Signer") != std::string::npos);
  CHECK(c.data.citizen_no == "001085012345");
  CHECK(c.data.full_name == "Nguyễn Văn An");
  CHECK(c.data.birth_date == "07/03/1985");
  CHECK(c.data.father == "Nguyễn Văn Bình");
  CHECK(c.data.mother == "Trần Thị Cúc");
  CHECK(c.data.old_id_no == "012345678");
  CHECK(c.mrz.substr(0, 30) ==  // document number 085012345, check digit 2
        "IDVNM0850123452001085012345<<<");
  CHECK(c.mrz.size() == 90);
  CHECK(c.face.mime_type == "image/jpeg");
  CHECK(c.face.bytes == tools::fixtures::SampleHolder().face_jpeg);
}

TEST_CASE("card_no_expiry: a card without expiry opens with its MRZ expiry field as printed", "[card]") {
  TestPki pki = MakePki();
  SoftwareCard card(tools::fixtures::Issue(pki, tools::fixtures::NoExpiryHolder()));
  // A date for the expiry is the wrong key: the MRZ holds no date.
  SoftwareCardChannel channel(card);
  Result<CardFiles> refused = ReadCardFiles(channel, Key());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kAccessDenied);

  Result<std::string> key = CitizenCardMrzInformation("001085012345", "1985-03-07", tools::fixtures::kNoExpiryMrz);
  REQUIRE(key.ok());
  Result<CitizenCard> opened = OpenCitizenCard(ReadOrFail(card, key.value()), Trusting(pki), std::time(nullptr));
  REQUIRE(opened.ok());
  CHECK(opened.value().verdict.authenticity == Authenticity::kGenuine);
  CHECK(opened.value().data.expiry == "Không thời hạn");
  CHECK(opened.value().mrz.substr(38, 7) == "<<<<<<0");  // the expiry field and its check digit

  // Anything else as the expiry is refused before the card is touched.
  for (const char* bad : {"", "<<<<<", "KHONG<", "2030-3-7", "07/03/2030"}) {
    CHECK(CitizenCardMrzInformation("001085012345", "1985-03-07", bad).error().code() ==
          ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("card_revoked_signer: a Document Signer on its CSCA's CRL is not genuine", "[card]") {
  TestPki pki = MakePki();
  SoftwareCard card(IssueSample(pki));
  const CardFiles files = ReadOrFail(card, Key());
  const std::time_t now = std::time(nullptr);
  const std::time_t revoked_at = 1'700'000'000;  // 2023-11-14T22:13:20Z
  using tools::fixtures::MakeCrl;

  TrustStore revoking = Trusting(pki);
  REQUIRE(revoking.AddCrl(MakeCrl(pki, {true, revoked_at})).ok());
  Verdict v = VerifyPassive(files, revoking, now);
  CHECK(v.authenticity == Authenticity::kNotGenuine);
  CHECK(v.reason == "document signer revoked on 2023-11-14");
  // A CRL past its next update still revokes what it lists.
  TrustStore stale = Trusting(pki);
  REQUIRE(stale.AddCrl(MakeCrl(pki, {true, revoked_at, -5})).ok());
  CHECK(VerifyPassive(files, stale, now).reason == "document signer revoked on 2023-11-14");
  // A CRL that lists nothing, fresh or stale: genuine.
  for (long next : {30L, -5L}) {
    TrustStore clean = Trusting(pki);
    REQUIRE(clean.AddCrl(MakeCrl(pki, {false, 0, next})).ok());
    CHECK(VerifyPassive(files, clean, now).authenticity == Authenticity::kGenuine);
  }

  // A CRL in the CSCA's name but signed by another key, or another CSCA's: refused.
  TestPki other = MakePki({"Another CSCA"});
  TrustStore trust = Trusting(pki);
  Result<void> forged = trust.AddCrl(MakeCrl(pki, {true, revoked_at, 30, other.csca_key.get()}));
  REQUIRE_FALSE(forged.ok());
  CHECK(forged.error().code() == ErrorCode::kInvalidArgument);
  CHECK(trust.AddCrl(MakeCrl(other, {})).error().code() == ErrorCode::kInvalidArgument);
  CHECK(trust.crls().empty());
  CHECK(VerifyPassive(files, trust, now).authenticity == Authenticity::kGenuine);

  // From a folder (the CRL sorted before its CSCA): PEM and DER alike.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("card-crl-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  CrlPtr crl = MakeCrl(pki, {true, revoked_at});
  std::ofstream(dir / "a.crl") << PemOf(crl.get());
  std::ofstream(dir / "z.pem") << PemOf(pki.csca.get());
  Result<TrustStore> loaded = TrustStore::LoadDirectory(dir);
  REQUIRE(loaded.ok());
  CHECK(loaded.value().crls().size() == 1);
  CHECK(VerifyPassive(files, loaded.value(), now).reason == "document signer revoked on 2023-11-14");
  std::ofstream(dir / "b.crl") << "not a CRL";
  CHECK(TrustStore::LoadDirectory(dir).error().code() == ErrorCode::kInvalidArgument);
  std::filesystem::remove_all(dir);
}

TEST_CASE("card_access_denied: a wrong birth date is refused by the card", "[card]") {
  TestPki pki = MakePki();
  SoftwareCard card(IssueSample(pki));
  SoftwareCardChannel channel(card);
  Result<CardFiles> files = ReadCardFiles(channel, Key("1985-03-08"));
  REQUIRE_FALSE(files.ok());
  CHECK(files.error().code() == ErrorCode::kAccessDenied);
  CHECK(files.error().message().find("birth") != std::string::npos);
  // The card stays usable: the right key reads it.
  ReadOrFail(card, Key());
}

TEST_CASE("card_tampered_dg13: altered personal data fails its hash", "[card]") {
  TestPki pki = MakePki();
  CardContent content = IssueSample(pki);
  CitizenData forged = tools::fixtures::SampleHolder().data;
  forged.birth_date = "07/03/1975";
  content.files.dg13 = EncodeDg13(forged);
  SoftwareCard card(content);
  Result<CitizenCard> opened =
      OpenCitizenCard(ReadOrFail(card, Key()), Trusting(pki), std::time(nullptr));
  REQUIRE(opened.ok());
  CHECK(opened.value().verdict.authenticity == Authenticity::kNotGenuine);
  CHECK(opened.value().verdict.reason ==
        "DG13 does not match its hash in EF.SOD: the data was altered");
  CHECK(opened.value().data.birth_date == "07/03/1975");  // shown, but marked not genuine
}

TEST_CASE("card_tampered_sod: a damaged signature is not genuine", "[card]") {
  TestPki pki = MakePki();
  CardContent content = IssueSample(pki);
  // The signature value is the last thing in EF.SOD: change one bit of it.
  content.files.sod.back() ^= 0x01;
  Verdict v = VerifyPassive(content.files, Trusting(pki), std::time(nullptr));
  CHECK(v.authenticity == Authenticity::kNotGenuine);
  CHECK(v.reason == "the signature of EF.SOD does not verify");
}

TEST_CASE("card_untrusted_csca: a card under a CSCA the node does not trust", "[card]") {
  TestPki pki = MakePki();
  TestPki foreign = MakePki({"Another CSCA"});
  SoftwareCard card(IssueSample(pki));
  CardFiles files = ReadOrFail(card, Key());
  Verdict v = VerifyPassive(files, Trusting(foreign), std::time(nullptr));
  CHECK(v.authenticity == Authenticity::kUnknownSigner);
  CHECK(v.reason.find("does not trust") != std::string::npos);
  Verdict none = VerifyPassive(files, TrustStore(), std::time(nullptr));
  CHECK(none.authenticity == Authenticity::kUnknownSigner);
  CHECK(VerifyPassive(files, Trusting(pki), std::time(nullptr)).authenticity ==
        Authenticity::kGenuine);
}

TEST_CASE("card_expired_signer: a Document Signer certificate past its validity", "[card]") {
  TestPki pki = MakePki({.expired_signer = true});
  SoftwareCard card(IssueSample(pki));
  Verdict v = VerifyPassive(ReadOrFail(card, Key()), Trusting(pki), std::time(nullptr));
  CHECK(v.authenticity == Authenticity::kNotGenuine);
  CHECK(v.reason.rfind("the Document Signer certificate expired on ", 0) == 0);
  // At a time within its validity the same card is genuine.
  CHECK(VerifyPassive(ReadOrFail(card, Key()), Trusting(pki), std::time(nullptr) - 5 * 86400)
            .authenticity == Authenticity::kGenuine);
}

TEST_CASE("card_pulled_mid_read: a card removed during the read ends it cleanly", "[card]") {
  TestPki pki = MakePki();
  SoftwareCard card(IssueSample(pki, 20'000));
  for (int after : {0, 2, 3, 10, 60}) {  // before BAC, inside BAC, after it, in DG2
    SoftwareCardChannel channel(card, after);
    Result<CardFiles> files = ReadCardFiles(channel, Key());
    REQUIRE_FALSE(files.ok());
    CHECK(files.error().code() == ErrorCode::kCardRemoved);
    CHECK(channel.transmitted() == after);
  }
  ReadOrFail(card, Key());  // put back, it reads
}

TEST_CASE("card_large_dg2: a large face image is read in chunks", "[card]") {
  TestPki pki = MakePki();
  constexpr std::size_t kFace = 30'000;
  CardContent content = IssueSample(pki, kFace);
  SoftwareCard card(content);
  SoftwareCardChannel channel(card);
  std::size_t dg2_reports = 0;
  Result<CardFiles> files =
      ReadCardFiles(channel, Key(), [&](const LdsFile& file, std::size_t read, std::size_t total) {
        if (file.fid == kDg2.fid) {
          ++dg2_reports;
          CHECK(read <= total);
        }
      });
  REQUIRE(files.ok());
  CHECK(files.value().dg2 == content.files.dg2);
  CHECK(files.value().dg2.size() > kFace);
  // Each READ BINARY asks for at most kReadChunk bytes.
  CHECK(dg2_reports >= kFace / kReadChunk);
  CHECK(channel.transmitted() > static_cast<int>(kFace / kReadChunk));
  Result<CitizenCard> opened = OpenCitizenCard(files.value(), Trusting(pki), std::time(nullptr));
  REQUIRE(opened.ok());
  CHECK(opened.value().verdict.authenticity == Authenticity::kGenuine);
  CHECK(opened.value().face.bytes.size() == kFace);
}

TEST_CASE("card_unsupported: a card without the eMRTD application", "[card]") {
  struct Blank : CardChannel {
    Result<Bytes> Transmit(const Bytes&) override { return Bytes{0x6A, 0x82}; }
  } blank;
  Result<CardFiles> files = ReadCardFiles(blank, Key());
  REQUIRE_FALSE(files.ok());
  CHECK(files.error().code() == ErrorCode::kUnsupportedCard);
}

TEST_CASE("card_dg13_fields: fields are found by number, missing and extra ones tolerated",
          "[card]") {
  // Fields out of order, field 13 with parents nested in sequences, an unknown field 20, and no
  // field 14 or 15: as a later card generation might write them.
  auto field = [](int n, Bytes values) {
    Bytes body = EncodeTlv(0x02, Bytes{static_cast<std::uint8_t>(n)});
    body.insert(body.end(), values.begin(), values.end());
    return EncodeTlv(0x30, body);
  };
  auto utf8 = [](const std::string& s) { return EncodeTlv(0x0C, ToBytes(s)); };
  Bytes parents = EncodeTlv(0x30, utf8("Nguyễn Văn Bình"));
  Bytes mother = EncodeTlv(0x30, utf8("Trần Thị Cúc"));
  parents.insert(parents.end(), mother.begin(), mother.end());
  Bytes body = EncodeTlv(0x02, Bytes{0x01});
  for (const Bytes& f : {field(2, utf8("Nguyễn Văn An")), field(1, utf8("001085012345")),
                         field(20, utf8("extra")), field(13, parents),
                         field(3, utf8("07/03/1985"))}) {
    body.insert(body.end(), f.begin(), f.end());
  }
  Result<CitizenData> d = ParseDg13(EncodeTlv(0x6D, EncodeTlv(0x30, body)));
  REQUIRE(d.ok());
  CHECK(d.value().citizen_no == "001085012345");
  CHECK(d.value().full_name == "Nguyễn Văn An");
  CHECK(d.value().birth_date == "07/03/1985");
  CHECK(d.value().father == "Nguyễn Văn Bình");
  CHECK(d.value().mother == "Trần Thị Cúc");
  CHECK(d.value().spouse.empty());
  CHECK(d.value().old_id_no.empty());
  REQUIRE(d.value().other.count(20) == 1);
  CHECK(d.value().other.at(20) == std::vector<std::string>{"extra"});
  CHECK_FALSE(ParseDg13(EncodeTlv(0x61, body)).ok());
}

}  // namespace
}  // namespace dancu::devices::card
