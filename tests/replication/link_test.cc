// Links over real ZeroMQ sockets on 127.0.0.1: CurveZMQ with our ZAP handler, malformed and
// oversized frames dropped without harm, segments of a real store verified after the trip.
// Every wait is bounded; both ends are polled from this one thread.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "replication/client.h"
#include "replication/messages.h"
#include "replication/segment_cutter.h"
#include "replication/server.h"
#include "replication/zstd_frame.h"
#include "storage/log_format.h"
#include "tests/replication/origin_log.h"
#include "tests/replication/zstd_forgery.h"

namespace dancu::replication {
namespace {

using namespace std::chrono_literals;

CurveKeyPair Copy(const CurveKeyPair& keys) { return CurveKeyPair::FromSecret(keys.secret_key); }

LinkOptions Options(const CurveKeyPair& keys, std::vector<std::string>* log) {
  LinkOptions options;
  options.keys = Copy(keys);
  options.heartbeat_interval = 200ms;
  options.heartbeat_timeout = 600ms;
  options.handshake_timeout = 2000ms;
  options.log = [log](std::string_view line) { log->emplace_back(line); };
  return options;
}

// A server and a client polled together from this thread.
struct Link {
  CurveKeyPair server_keys = CurveKeyPair::Generate();
  CurveKeyPair client_keys = CurveKeyPair::Generate();
  std::set<CurveKey> admitted{client_keys.public_key};
  std::vector<std::string> server_log, client_log;
  std::unique_ptr<Server> server;
  std::unique_ptr<Client> client;
  std::vector<Inbound> at_server, at_client;

  explicit Link(size_t server_max_frame = kMaxFrameBytes, const CurveKey* wrong_server_key = nullptr) {
    ServerOptions so{"tcp://127.0.0.1:*", Options(server_keys, &server_log),
                     [this](const CurveKey& key) { return admitted.count(key) > 0; }};
    so.link.max_frame_bytes = server_max_frame;
    auto s = Server::Bind(std::move(so));
    INFO(s.status().ToString());
    REQUIRE(s.ok());
    server = std::move(s.value());
    REQUIRE(server->endpoint().rfind("tcp://127.0.0.1:", 0) == 0);

    client = NewClient(wrong_server_key ? *wrong_server_key : server_keys.public_key);
  }

  std::unique_ptr<Client> NewClient(const CurveKey& server_key) {
    ClientOptions co;
    co.endpoint = server->endpoint();
    co.server_key = server_key;
    co.link = Options(client_keys, &client_log);
    co.reconnect_interval = 50ms;
    co.reconnect_interval_max = 200ms;
    co.unreachable_after = 800ms;
    auto c = Client::Connect(std::move(co));
    REQUIRE(c.ok());
    return std::move(c.value());
  }

  // Polls both ends until `done` holds or `limit` passes; returns `done()`.
  bool PumpUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      auto s = server->Poll(5ms);
      REQUIRE(s.ok());
      for (auto& m : *s) at_server.push_back(std::move(m));
      auto c = client->Poll(5ms);
      REQUIRE(c.ok());
      for (auto& m : *c) at_client.push_back(std::move(m));
    }
    return done();
  }
  void Pump(std::chrono::milliseconds span) {
    PumpUntil([] { return false; }, span);
  }
  bool Connect() {
    return PumpUntil([&] { return client->connected(); });
  }
  // Sends from the client and waits until the server has `count` messages in all.
  bool ClientSends(const std::string& frame, size_t count) {
    REQUIRE(client->Send(frame).ok());
    return PumpUntil([&] { return at_server.size() >= count; });
  }
};

TEST_CASE("an admitted client and the server exchange messages both ways") {
  Link link;
  REQUIRE(link.Connect());
  CHECK(link.client->health().ok());
  REQUIRE(link.ClientSends(EncodeHello({42, 0, "00001", "chain"}), 1));
  const Inbound& hello = link.at_server[0];
  REQUIRE(hello.message.get().which() == wire::Message::HELLO);
  CHECK(hello.message.get().getHello().getNodeId() == 42);
  CHECK(hello.peer_key == link.client_keys.public_key);  // as the handshake authenticated it
  CHECK_FALSE(hello.peer.empty());

  REQUIRE(link.server->Send(hello.peer, EncodeAck(42, 7)).ok());
  REQUIRE(link.PumpUntil([&] { return !link.at_client.empty(); }));
  REQUIRE(link.at_client[0].message.get().which() == wire::Message::ACK);
  CHECK(link.at_client[0].message.get().getAck().getSeq() == 7);
  CHECK(link.at_client[0].peer_key == link.server_keys.public_key);

  CHECK(link.server->stats().frames_received == 1);
  CHECK(link.client->stats().frames_sent == 1);
  CHECK(link.server->stats().keys_refused == 0);
  CHECK(link.server->Send("no such peer", EncodeAck(1, 1)).code() == Status::Code::kIOError);
}

TEST_CASE("a client whose key is not admitted never reaches the server") {
  Link link;
  link.admitted.clear();
  REQUIRE(link.PumpUntil([&] { return !link.client->health().ok(); }));
  Status health = link.client->health();
  CHECK(health.code() == Status::Code::kPermissionDenied);
  CHECK_THAT(health.message(), Catch::Contains("refused this node's key"));
  CHECK_FALSE(link.client->connected());
  CHECK(link.client->Send(EncodeHeartbeat()).code() == Status::Code::kFailedPrecondition);
  link.Pump(200ms);
  CHECK(link.at_server.empty());
  CHECK(link.server->stats().keys_refused == 1);  // libzmq does not retry a refused key
  CHECK(link.client->stats().handshakes_failed == 1);

  SECTION("a new client connects once its key is admitted") {
    link.admitted.insert(link.client_keys.public_key);
    link.client = link.NewClient(link.server_keys.public_key);
    REQUIRE(link.Connect());
    CHECK(link.ClientSends(EncodeHeartbeat(), 1));
  }
}

TEST_CASE("a client with the wrong server key never connects and reports the peer unreachable") {
  CurveKeyPair impostor = CurveKeyPair::Generate();
  Link link(kMaxFrameBytes, &impostor.public_key);
  CHECK(link.client->health().ok());  // still within unreachable_after
  REQUIRE(link.PumpUntil([&] { return !link.client->health().ok(); }));
  CHECK_FALSE(link.client->connected());
  CHECK(link.at_server.empty());
  CHECK(link.server->stats().handshakes_failed >= 1);
  Status health = link.client->health();
  CHECK(health.code() == Status::Code::kIOError);
  CHECK_THAT(health.message(), Catch::Contains("unreachable"));
}

TEST_CASE("a client reports the peer unreachable once the server is gone") {
  Link link;
  REQUIRE(link.Connect());
  link.server.reset();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (link.client->health().ok() && std::chrono::steady_clock::now() < deadline) {
    REQUIRE(link.client->Poll(10ms).ok());
  }
  CHECK_FALSE(link.client->connected());
  CHECK(link.client->stats().disconnects == 1);
  CHECK_THAT(link.client->health().message(), Catch::Contains("unreachable"));
}

TEST_CASE("malformed frames are dropped with a reason and the link still works") {
  Link link;
  REQUIRE(link.Connect());
  std::string ack = EncodeAck(1, 2);
  std::string unknown_kind = ack;
  unknown_kind[8] = 42;
  for (const std::string& bad : {std::string("hello"), ack + std::string(8, '\0'), unknown_kind}) {
    REQUIRE(link.client->Send(bad).ok());
  }
  REQUIRE(link.ClientSends(ack, 1));
  CHECK(link.at_server.size() == 1);
  CHECK(link.at_server[0].message.get().which() == wire::Message::ACK);
  CHECK(link.server->stats().frames_dropped == 3);
  CHECK_THAT(link.server->stats().last_drop, Catch::Contains("unknown kind 42"));
  CHECK(link.server_log.size() >= 3);

  SECTION("the same on the client's side") {
    const std::string& peer = link.at_server[0].peer;
    REQUIRE(link.server->Send(peer, "not a message").ok());
    REQUIRE(link.server->Send(peer, EncodeCredit(1)).ok());
    REQUIRE(link.PumpUntil([&] { return !link.at_client.empty(); }));
    CHECK(link.at_client[0].message.get().which() == wire::Message::CREDIT);
    CHECK(link.client->stats().frames_dropped == 1);
  }
}

TEST_CASE("an oversized frame is refused by the server and the link recovers") {
  Link link(64 * 1024);
  REQUIRE(link.Connect());
  REQUIRE(link.client->Send(EncodeHello({1, 0, "00001", std::string(200 * 1024, 'c')})).ok());
  // libzmq closes the connection that carried it; the client reconnects.
  REQUIRE(link.PumpUntil([&] { return link.client->stats().disconnects >= 1; }));
  REQUIRE(link.Connect());
  REQUIRE(link.ClientSends(EncodeHeartbeat(), 1));
  CHECK(link.at_server.size() == 1);
  CHECK(link.at_server[0].message.get().which() == wire::Message::HEARTBEAT);
  CHECK(link.server->stats().disconnects >= 1);
  CHECK(link.client->Send(std::string(kMaxFrameBytes + 8, '\0')).code() == Status::Code::kInvalidArgument);
}

TEST_CASE("segments of a real store cross the link and verify; bad ones are refused with a reason") {
  testing::OriginLog log({3, 2, 4});
  Link link;
  REQUIRE(link.Connect());
  auto segments = CutSegments(*log.store, log.origin(), 0, 10, {.target_bytes = 1});
  REQUIRE(segments.ok());
  REQUIRE(segments->size() == 3);

  // Damaged copies of the first segment, each a well-formed Message.
  const SegmentData& good = (*segments)[0];
  auto packed = DecompressFrame(good.entries, kMaxSegmentBytes);
  REQUIRE(packed.ok());
  SegmentData lying = good, bomb = good, cut_short = good, miscounted = good;
  lying.entries = testing::WithStatedSize(good.entries, packed->size() + 8);
  bomb.entries = testing::ZeroFrame(1u << 30, true);
  cut_short.entries = *CompressFrame(packed->substr(0, packed->size() - 16));
  miscounted.last_seq = 2;
  miscounted.checkpoint = (*segments)[1].checkpoint;

  for (const auto* s : {&lying, &bomb, &cut_short, &miscounted}) {
    REQUIRE(link.client->Send(EncodeSegment(*s)).ok());
  }
  for (const auto& s : *segments) REQUIRE(link.client->Send(EncodeSegment(s)).ok());
  REQUIRE(link.PumpUntil([&] { return link.at_server.size() == 7; }));

  std::vector<std::string> refusals;
  uint64_t verified = 0;
  for (const auto& in : link.at_server) {
    REQUIRE(in.message.get().which() == wire::Message::SEGMENT);
    auto decoded = DecodeSegment(in.message.get().getSegment());
    if (!decoded.ok()) {
      refusals.push_back(decoded.status().message());
      continue;
    }
    auto root = VerifySegment(*decoded, log.key.public_key());
    INFO(root.status().ToString());
    REQUIRE(root.ok());
    verified = decoded->last_seq;
  }
  REQUIRE(refusals.size() == 4);
  CHECK_THAT(refusals[0], Catch::Contains("bytes but holds") || Catch::Contains("does not decompress"));
  CHECK_THAT(refusals[1], Catch::Contains("more than the cap"));
  CHECK_THAT(refusals[2], Catch::Contains("runs past the end"));
  CHECK_THAT(refusals[3], Catch::Contains("checkpoint covers"));
  CHECK(verified == 9);
}

}  // namespace
}  // namespace dancu::replication
