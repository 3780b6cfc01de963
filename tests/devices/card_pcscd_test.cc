// The whole path through the real PC/SC stack: a private pcscd with the vpcd virtual reader, the
// software card plugged into vpcd over loopback, and PcscReader on the client side. Each test
// case runs in its own process (CTest), so each has a fresh pcscd and a reader no earlier card
// connection has touched.
#include <catch2/catch.hpp>
#include <ctime>
#include <future>

#include "devices/card/pcsc_reader.h"
#include "devices/card/read_card.h"
#include "devices/card/vpcd_card.h"
#include "tools/fixtures/test_card.h"
#include "tools/fixtures/private_pcscd.h"

namespace dancu::devices::card {
namespace {

using tools::fixtures::PrivatePcscd;

std::string Key() {
  Result<std::string> key = CitizenCardMrzInformation("001085012345", "1985-03-07", "2030-03-07");
  REQUIRE(key.ok());
  return key.value();
}

// The client side of the private pcscd, once the daemon answers.
std::unique_ptr<PcscReader> OpenReader(const PrivatePcscd& pcscd) {
  Result<std::unique_ptr<PcscReader>> opened = PcscReader::Open();
  for (int i = 0; i < 100 && !opened.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    opened = PcscReader::Open();
  }
  INFO("pcscd log: " << pcscd.log());
  if (!opened.ok()) FAIL(opened.error().message());
  return std::move(opened).value();
}

TEST_CASE("card_pcscd_read: waiting, cancelling and reading a genuine card through pcscd",
          "[card][pcscd]") {
  PrivatePcscd& pcscd = PrivatePcscd::Shared();
  std::unique_ptr<PcscReader> reader = OpenReader(pcscd);

  // An unknown reader name.
  Result<std::unique_ptr<CardChannel>> unknown = reader->Connect("no such reader");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code() == ErrorCode::kNoCardReader);
  CHECK(unknown.error().message().find(pcscd.reader_name()) != std::string::npos);

  // No card in the reader: the wait ends at its timeout.
  Result<std::unique_ptr<CardChannel>> empty =
      reader->Connect(pcscd.empty_reader_name(), std::chrono::milliseconds(300));
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code() == ErrorCode::kNoCard);

  // A genuine card.
  tools::fixtures::TestPki pki = tools::fixtures::MakePki();
  SoftwareCard card(tools::fixtures::IssueSample(pki, 12'000));
  Result<std::unique_ptr<VpcdCard>> inserted = VpcdCard::Insert(card, "127.0.0.1", pcscd.vpcd_port());
  REQUIRE(inserted.ok());
  Result<std::unique_ptr<CardChannel>> channel = reader->Connect(pcscd.reader_name());
  if (!channel.ok()) FAIL(channel.error().message());
  Result<CardFiles> files = ReadCardFiles(*channel.value(), Key());
  if (!files.ok()) FAIL(files.error().message());
  TrustStore trust;
  REQUIRE(trust.Add(Share(pki.csca.get())).ok());
  Result<CitizenCard> citizen = OpenCitizenCard(files.value(), trust, std::time(nullptr));
  REQUIRE(citizen.ok());
  CHECK(citizen.value().verdict.authenticity == Authenticity::kGenuine);
  CHECK(citizen.value().data.full_name == "Nguyễn Văn An");
  CHECK(inserted.value()->answered() > 12'000 / static_cast<int>(kReadChunk));

  // Cancel from another thread ends a wait for a card at once, and the reader's channels with it.
  auto waiting = std::async(std::launch::async, [&] {
    return reader->Connect(pcscd.empty_reader_name(), std::chrono::seconds(30));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto started = std::chrono::steady_clock::now();
  reader->Cancel();
  Result<std::unique_ptr<CardChannel>> cancelled = waiting.get();
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().code() == ErrorCode::kCancelled);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  Result<Bytes> after = channel.value()->Transmit({0x00, 0x84, 0x00, 0x00, 0x08});
  REQUIRE_FALSE(after.ok());
  CHECK(after.error().code() == ErrorCode::kCancelled);
}

TEST_CASE("card_pcscd_pulled: a card pulled out of the reader mid-read", "[card][pcscd]") {
  PrivatePcscd& pcscd = PrivatePcscd::Shared();
  std::unique_ptr<PcscReader> reader = OpenReader(pcscd);
  tools::fixtures::TestPki pki = tools::fixtures::MakePki();
  SoftwareCard card(tools::fixtures::IssueSample(pki, 12'000));
  Result<std::unique_ptr<VpcdCard>> inserted =
      VpcdCard::Insert(card, "127.0.0.1", pcscd.vpcd_port(), 20);  // gone in the middle of DG2
  REQUIRE(inserted.ok());
  Result<std::unique_ptr<CardChannel>> channel = reader->Connect(pcscd.reader_name());
  if (!channel.ok()) FAIL(channel.error().message());
  Result<CardFiles> files = ReadCardFiles(*channel.value(), Key());
  REQUIRE_FALSE(files.ok());
  INFO(files.error().message());
  CHECK(files.error().code() == ErrorCode::kCardRemoved);
  CHECK(inserted.value()->answered() == 20);
}

}  // namespace
}  // namespace dancu::devices::card
