// The ICAO 9303 crypto core against the published worked example: ICAO Doc 9303 (Seventh
// Edition, 2015) Part 11, Appendix D "Worked example: Basic Access Control", for the document
// L898902C<, born 1969-08-06, expiring 1994-06-23. Every constant below is printed there.
#include <catch2/catch.hpp>

#include "devices/card/bac.h"
#include "devices/card/icao_crypto.h"
#include "devices/card/secure_messaging.h"
#include "tests/devices/card_hex.h"

namespace dancu::devices::card {
namespace {

using testing::Hex;

const Bytes kRndIc = Hex("4608F91988702212");
const Bytes kRndIfd = Hex("781723860C06C226");
const Bytes kKIfd = Hex("0B795240CB7049B01C19B33E32804F0B");
const Bytes kKIc = Hex("0B4F80323EB3191CB04970CB4052790B");

KeyPair DocumentKeys() {
  return DeriveKeys(BacKeySeed(MrzInformation("L898902C", "690806", "940623")));
}

// The session of the worked example as D.3 leaves it, SSC 887022120C06C226.
SecureMessaging ExampleSession() {
  return SecureMessaging({Hex("979EC13B1CBFE9DCD01AB0FED307EAE5"),
                          Hex("F1CB1F1FB5ADF208806B89DC579DC1F8")},
                         Hex("887022120C06C226"));
}

TEST_CASE("card_icao: MRZ information and document basic access keys (D.2)", "[card]") {
  CHECK(MrzInformation("L898902C", "690806", "940623") == "L898902C<369080619406236");
  CHECK(BacKeySeed("L898902C<369080619406236") == Hex("239AB9CB282DAF66231DC5A4DF6BFBAE"));
  KeyPair keys = DocumentKeys();
  CHECK(keys.enc == Hex("AB94FDECF2674FDFB9B391F85D7F76F2"));
  CHECK(keys.mac == Hex("7962D9ECE03D1ACD4C76089DCE131543"));
}

TEST_CASE("card_icao: BAC mutual authentication and session keys (D.3)", "[card]") {
  KeyPair keys = DocumentKeys();
  BacNonces terminal{kRndIfd, kKIfd};
  Bytes command = BacTerminalCommand(keys, terminal, kRndIc);
  CHECK(command == Hex("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
                       "5F1448EEA8AD90A7"));

  Result<BacCardResult> card = BacCardRespond(keys, {kRndIc, kKIc}, command);
  REQUIRE(card.ok());
  CHECK(card.value().answer == Hex("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F"
                                   "2F2D235D074D7449"));
  CHECK(card.value().session.ssc() == Hex("887022120C06C226"));

  Result<SecureMessaging> session = BacTerminalFinish(keys, terminal, kRndIc, card.value().answer);
  REQUIRE(session.ok());
  CHECK(session.value().ssc() == Hex("887022120C06C226"));
  // The derived KS_enc/KS_mac are checked through the protected APDUs of D.4 below, which use
  // exactly this session: the terminal's first command must match.
  CommandApdu select{0x00, 0xA4, 0x02, 0x0C, Hex("011E"), std::nullopt};
  CHECK(session.value().ProtectCommand(select).Encode() ==
        ExampleSession().ProtectCommand(select).Encode());
}

TEST_CASE("card_icao: BAC refuses other keys on either side", "[card]") {
  KeyPair keys = DocumentKeys();
  KeyPair wrong = DeriveKeys(BacKeySeed(MrzInformation("L898902C", "690807", "940623")));
  BacNonces terminal{kRndIfd, kKIfd};
  Result<BacCardResult> card = BacCardRespond(keys, {kRndIc, kKIc},
                                              BacTerminalCommand(wrong, terminal, kRndIc));
  REQUIRE_FALSE(card.ok());
  CHECK(card.error().code() == ErrorCode::kAccessDenied);

  Result<BacCardResult> genuine = BacCardRespond(keys, {kRndIc, kKIc},
                                                 BacTerminalCommand(keys, terminal, kRndIc));
  REQUIRE(genuine.ok());
  Result<SecureMessaging> finish = BacTerminalFinish(wrong, terminal, kRndIc, genuine.value().answer);
  REQUIRE_FALSE(finish.ok());
  CHECK(finish.error().code() == ErrorCode::kAccessDenied);
}

TEST_CASE("card_icao: secure messaging of SELECT EF.COM and READ BINARY (D.4)", "[card]") {
  SecureMessaging terminal = ExampleSession();
  SecureMessaging card = ExampleSession();

  CommandApdu select{0x00, 0xA4, 0x02, 0x0C, Hex("011E"), std::nullopt};
  CommandApdu protected_select = terminal.ProtectCommand(select);
  CHECK(protected_select.Encode() == Hex("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"));
  Result<CommandApdu> seen = card.UnprotectCommand(protected_select);
  REQUIRE(seen.ok());
  CHECK(seen.value().data == Hex("011E"));
  CHECK(seen.value().cla == 0x00);

  ResponseApdu answer = card.ProtectResponse({{}, kSwOk});
  CHECK(answer.Encode() == Hex("990290008E08FA855A5D4C50A8ED9000"));
  Result<ResponseApdu> selected = terminal.UnprotectResponse(answer);
  REQUIRE(selected.ok());
  CHECK(selected.value().sw == kSwOk);

  CommandApdu read{0x00, 0xB0, 0x00, 0x00, {}, 4};
  CommandApdu protected_read = terminal.ProtectCommand(read);
  CHECK(protected_read.Encode() == Hex("0CB000000D9701048E08ED6705417E96BA5500"));
  Result<CommandApdu> read_seen = card.UnprotectCommand(protected_read);
  REQUIRE(read_seen.ok());
  CHECK(read_seen.value().le == 4u);

  // The card's answer: the first four bytes of EF.COM, 60 14 5F 01.
  ResponseApdu data = card.ProtectResponse({Hex("60145F01"), kSwOk});
  CHECK(data.Encode() == Hex("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"));
  Result<ResponseApdu> plain = terminal.UnprotectResponse(data);
  REQUIRE(plain.ok());
  CHECK(plain.value().data == Hex("60145F01"));
}

TEST_CASE("card_icao: a tampered or replayed protected response is refused", "[card]") {
  SecureMessaging terminal = ExampleSession();
  SecureMessaging card = ExampleSession();
  (void)card.UnprotectCommand(terminal.ProtectCommand({0x00, 0xB0, 0, 0, {}, 4}));
  ResponseApdu answer = card.ProtectResponse({Hex("60145F01"), kSwOk});
  ResponseApdu tampered = answer;
  tampered.data[4] ^= 0x01;
  Result<ResponseApdu> r = terminal.UnprotectResponse(tampered);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kSecureMessaging);
  // The SSC moved on: the genuine answer no longer verifies either (no replay).
  Result<ResponseApdu> replay = terminal.UnprotectResponse(answer);
  CHECK_FALSE(replay.ok());
}

TEST_CASE("card_icao: retail MAC pads with method 2 and check digits follow Part 3", "[card]") {
  CHECK(MrzCheckDigit("L898902C<") == '3');
  CHECK(MrzCheckDigit("690806") == '1');
  CHECK(Pad(Hex("011E")) == Hex("011E800000000000"));
  CHECK(Pad(Hex("0001020304050607")) == Hex("00010203040506078000000000000000"));
  Result<Bytes> unpadded = Unpad(Hex("60145F0180000000"));
  REQUIRE(unpadded.ok());
  CHECK(unpadded.value() == Hex("60145F01"));
  CHECK_FALSE(Unpad(Hex("60145F0100000000")).ok());
}

}  // namespace
}  // namespace dancu::devices::card
