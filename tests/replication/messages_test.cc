// Link messages: every kind survives the trip; frames that are not canonical Messages of a known
// kind are refused; sizes meet the targets of issue 3.
#include <catch2/catch.hpp>

#include <capnp/message.h>

#include <random>

#include "replication/messages.h"
#include "tests/support/mutate.h"

namespace dancu::replication {
namespace {

ParsedMessage Decoded(const std::string& frame) {
  auto message = DecodeMessage(frame);
  INFO(message.status().ToString());
  REQUIRE(message.ok());
  return std::move(message.value());
}

TEST_CASE("every message kind decodes to what was encoded") {
  auto hello = Decoded(EncodeHello({0x1122334455667788, 2, "01", "chain bytes"}));
  REQUIRE(hello.get().which() == wire::Message::HELLO);
  CHECK(hello.get().getHello().getNodeId() == 0x1122334455667788);
  CHECK(hello.get().getHello().getRole() == 2);
  CHECK(hello.get().getHello().getUnit() == "01");
  CHECK(hello.get().getHello().getProtocolVersion() == wire::PROTOCOL_VERSION);
  CHECK(hello.get().getHello().getCertificateChain().size() == 11);

  storage::VersionVector vv{{7, 100}, {9, 1}};
  auto versions = Decoded(EncodeVersionVector(vv));
  REQUIRE(versions.get().which() == wire::Message::VERSION_VECTOR);
  auto read = ReadVersionVector(versions.get().getVersionVector());
  REQUIRE(read.ok());
  CHECK(*read == vv);

  auto ack = Decoded(EncodeAck(7, 42));
  REQUIRE(ack.get().which() == wire::Message::ACK);
  CHECK(ack.get().getAck().getOrigin() == 7);
  CHECK(ack.get().getAck().getSeq() == 42);

  auto credit = Decoded(EncodeCredit(3));
  REQUIRE(credit.get().which() == wire::Message::CREDIT);
  CHECK(credit.get().getCredit().getSegments() == 3);

  CHECK(Decoded(EncodeHeartbeat()).get().which() == wire::Message::HEARTBEAT);

  auto error = Decoded(EncodeError(wire::ErrorCode::OUT_OF_ORDER, "gap at seq 5"));
  REQUIRE(error.get().which() == wire::Message::ERROR);
  CHECK(error.get().getError().getCode() == wire::ErrorCode::OUT_OF_ORDER);
  CHECK(error.get().getError().getText() == "gap at seq 5");
}

TEST_CASE("frames that are not canonical Messages of a known kind are refused") {
  std::string ack = EncodeAck(7, 42);
  SECTION("trailing bytes") {
    auto r = DecodeMessage(ack + std::string(8, '\0'));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("canonical"));
  }
  SECTION("a length that is not whole words") { CHECK_FALSE(DecodeMessage(ack.substr(0, 13)).ok()); }
  SECTION("empty") { CHECK_FALSE(DecodeMessage("").ok()); }
  SECTION("over the size cap") {
    auto r = DecodeMessage(ack, ack.size() - 1);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("exceeds the cap"));
  }
  SECTION("a kind this version does not know") {
    std::string future = ack;
    future[8] = 42;  // the union discriminant: the first 16 bits of the root struct's data
    future[9] = 0;
    auto r = DecodeMessage(future);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("unknown kind 42"));
  }
  SECTION("mutants of valid frames decode only as canonical Messages") {
    const std::string frames[] = {ack, EncodeHello({0x1122334455667788, 2, "01", "chain bytes"}),
                                  EncodeError(wire::ErrorCode::OUT_OF_ORDER, "gap at seq 5")};
    std::mt19937_64 rng(7);
    int decoded = 0, refused = 0;
    for (int round = 0; round < 3000; ++round) {
      std::string mutant = testing::Mutated(frames[round % 3], rng);
      auto r = DecodeMessage(mutant);
      if (!r.ok()) {
        ++refused;
        continue;
      }
      CHECK(storage::Canonicalize(r->get()) == mutant);
      ++decoded;
    }
    CHECK(decoded > 100);
    CHECK(refused > 100);
  }
}

TEST_CASE("version vectors must be ascending with seqs from 1") {
  auto build = [](std::vector<std::pair<uint64_t, uint64_t>> entries) {
    capnp::MallocMessageBuilder builder;
    auto list = builder.initRoot<wire::VersionVector>().initVersions(static_cast<unsigned>(entries.size()));
    for (unsigned i = 0; i < entries.size(); ++i) {
      list[i].setOrigin(entries[i].first);
      list[i].setSeq(entries[i].second);
    }
    return ReadVersionVector(builder.getRoot<wire::VersionVector>().asReader());
  };
  CHECK(build({{1, 5}, {2, 6}}).ok());
  CHECK(build({}).ok());
  CHECK_THAT(build({{2, 5}, {1, 6}}).status().message(), Catch::Contains("ascending"));
  CHECK_THAT(build({{2, 5}, {2, 6}}).status().message(), Catch::Contains("ascending"));
  CHECK_THAT(build({{2, 0}}).status().message(), Catch::Contains("seq 0"));
}

TEST_CASE("sizes meet the targets: 16 bytes per version, small control messages") {
  storage::VersionVector vv;
  size_t empty = EncodeVersionVector(vv).size();
  for (uint64_t origin = 1; origin <= 100; ++origin) vv[origin] = origin * 1000;
  CHECK(EncodeVersionVector(vv).size() - empty == 100 * 16);
  CHECK(EncodeAck(1, 2).size() <= 48);
  CHECK(EncodeCredit(1).size() <= 32);
  CHECK(EncodeHeartbeat().size() <= 16);
}

}  // namespace
}  // namespace dancu::replication
