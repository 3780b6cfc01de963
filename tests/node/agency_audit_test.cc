// The audit of agency verifications and agency credentials between real nodes of a certified tree
// (tests/support/test_network.h): batches chain and verify, go up in a session, and nothing a
// forger or a reordering can make is kept; a revocation is final in any order.
#include <catch2/catch.hpp>

#include "node/agencies.h"
#include "node/audit_log.h"
#include "node/session_host.h"
#include "replication/messages.h"
#include "replication/session.h"
#include "storage/canonical.h"
#include "tests/support/test_network.h"

namespace dancu::testing {
namespace {

node::AuditRecord Entry(const std::string& transaction) {
  node::AuditRecord r;
  r.agency_id = 7;
  r.transaction_id = transaction;
  r.procedure = "p1";
  r.officer = "clerk.7";
  r.outcome = schema::AuditOutcome::YES;
  r.token = std::string(32, 't');
  r.request_hash = std::string(32, 'h');
  r.at = 1;
  return r;
}

std::vector<std::string> Transactions(const node::Node& node) {
  std::vector<std::string> out;
  REQUIRE(node.audit().Scan([&](uint64_t, uint64_t, schema::AuditEntry::Reader e) {
    out.emplace_back(e.getTransactionId().cStr());
    return true;
  }).ok());
  return out;
}

TEST_CASE("agency_audit: batches chain, verify, go up with a session; forged or reordered batches are refused") {
  TestNetwork net;
  node::Node& district = net.district();
  node::Node& central = net.central();
  for (const char* tx : {"a", "b", "c"}) REQUIRE(district.audit().Record(Entry(tx)).ok());
  REQUIRE(district.audit().Held() == storage::VersionVector{{district.config().node_id, 3}});

  auto batches = district.audit().After({}, 10);
  REQUIRE(batches.ok());
  REQUIRE(batches->size() == 3);

  // Out of order: batch 2 before batch 1.
  CHECK_FALSE(central.audit().Accept((*batches)[1]).ok());
  // A byte flipped anywhere: refused (signature or decoding).
  for (size_t at : {size_t{20}, (*batches)[0].size() / 2, (*batches)[0].size() - 3}) {
    std::string forged = (*batches)[0];
    forged[at] = static_cast<char>(forged[at] ^ 0x01);
    CHECK_FALSE(central.audit().Accept(forged).ok());
  }
  // A batch signed by another node's key in the district's name does not verify.
  CHECK(central.audit().Held().empty());

  // In order: kept; again: held already.
  REQUIRE(*central.audit().Accept((*batches)[0]));
  CHECK_FALSE(*central.audit().Accept((*batches)[0]));
  // Batch 3 skipping 2: refused.
  CHECK_FALSE(central.audit().Accept((*batches)[2]).ok());

  // A session takes the rest up; the audit equals at both ends.
  net.Sync(district, central);
  CHECK(central.audit().Held() == district.audit().Held());
  CHECK(Transactions(central) == std::vector<std::string>{"a", "b", "c"});
  // A commune's audit reaches central through its district.
  REQUIRE(net.commune_a().audit().Record(Entry("d")).ok());
  net.Sync(net.commune_a(), district);
  net.Sync(district, central);
  CHECK(central.audit().Held().count(net.commune_a().config().node_id) == 1);
  CHECK(Transactions(central).size() == 4);
  // Audit does not go down.
  net.Sync(net.commune_b(), district);
  CHECK(net.commune_b().audit().Held().empty());
}

TEST_CASE("agency_credentials: verified against the root, replicated down, a revocation final in any order") {
  TestNetwork net;
  auto root = net.central().signing_key();
  REQUIRE(root.ok());
  node::AgencyPolicy policy;
  policy.name = "BHXH";
  policy.key = storage::SigningKey::Generate().public_key();
  policy.procedures = {"p1"};
  policy.claims = {schema::Claim::SEX};
  policy.rate_per_second = policy.per_citizen_per_hour = 5;
  policy.valid_from = policy.issued_at = 1000;
  policy.valid_until = 2000;
  const std::string first = node::MakeAgencyCredential(**root, policy);
  policy.revoked = true;
  policy.issued_at = 1500;
  const std::string revocation = node::MakeAgencyCredential(**root, policy);
  policy.revoked = false;
  policy.issued_at = 1800;
  const std::string later = node::MakeAgencyCredential(**root, policy);

  // Not the root's key: refused.
  auto district_key = net.district().signing_key();
  REQUIRE(district_key.ok());
  CHECK_FALSE(net.district().agencies().Add(node::MakeAgencyCredential(**district_key, policy)).ok());

  // Down the tree with the sessions.
  REQUIRE(*net.central().agencies().Add(first));
  net.Sync(net.district(), net.central());
  net.Sync(net.commune_a(), net.district());
  const uint64_t id = node::AgencyIdOf(policy.key);
  REQUIRE(net.commune_a().agencies().Find(id));
  CHECK_FALSE(net.commune_a().agencies().Find(id)->revoked);

  // The revocation, then a later policy: still revoked. And the other order at another node.
  REQUIRE(*net.central().agencies().Add(revocation));
  CHECK_FALSE(*net.central().agencies().Add(later));
  CHECK(net.central().agencies().Find(id)->revoked);
  REQUIRE(*net.commune_b().agencies().Add(later));
  REQUIRE(*net.commune_b().agencies().Add(revocation));
  CHECK(net.commune_b().agencies().Find(id)->revoked);
  net.Sync(net.district(), net.central());
  CHECK(net.district().agencies().Find(id)->revoked);
}

TEST_CASE("agency_protocol: a node of protocol version 1 (before the audit messages) is refused at its hello, saying why") {
  TestNetwork net;
  node::NodeSessionHost host(net.central(), [](std::string_view) {}, [] { return kTestNowMs; });
  replication::Session central(host, {});
  (void)central.Start();
  capnp::MallocMessageBuilder message;
  auto hello = message.initRoot<wire::Message>().initHello();
  hello.setNodeId(net.district().config().node_id);
  hello.setProtocolVersion(1);
  auto answered = central.OnFrame(storage::Canonicalize(message.getRoot<wire::Message>().asReader()));
  REQUIRE_FALSE(answered.ok());
  CHECK(answered.status().message().find("protocol version 1, this node speaks 2") != std::string::npos);
  // The old node is told why, in an Error it understands.
  auto farewell = central.TakeFarewell();
  REQUIRE(farewell.size() == 1);
  auto error = replication::DecodeMessage(farewell[0]);
  REQUIRE(error.ok());
  REQUIRE(error->get().which() == wire::Message::ERROR);
  CHECK(error->get().getError().getCode() == wire::ErrorCode::UNSUPPORTED_VERSION);
  CHECK(std::string(error->get().getError().getText().cStr()).find("upgrade the older") != std::string::npos);

  // This build, refused by an old peer: the session ends saying so.
  replication::Session district(host, {});
  (void)district.Start();
  auto refused = district.OnFrame(replication::EncodeError(wire::ErrorCode::UNSUPPORTED_VERSION, "protocol version 2"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("refused this node's protocol version 2") != std::string::npos);
}

}  // namespace
}  // namespace dancu::testing
