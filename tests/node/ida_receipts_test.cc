// Receipts of agency transactions (node/ida_receipts.h) at a real central node of a certified tree
// (tests/support/test_network.h), through node::IdaService with an injected wall clock: kept for the
// retention period, then pruned by a later request, oldest first, without touching the newer ones.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "node/agencies.h"
#include "node/ida_service.h"
#include "tests/support/test_network.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
constexpr uint64_t kStart = 1796291300957;  // 2026-12-02

struct Agency {
  storage::SigningKey key = storage::SigningKey::Generate();
  uint64_t id() const { return node::AgencyIdOf(key.public_key()); }
};

void Register(node::Node& central, const Agency& agency) {
  auto root = central.signing_key();
  REQUIRE(root.ok());
  node::AgencyPolicy policy;
  policy.name = "BHXH";
  policy.key = agency.key.public_key();
  policy.procedures = {"p1"};
  policy.claims = {schema::Claim::ALIVE};
  policy.rate_per_second = policy.per_citizen_per_hour = 100;
  policy.valid_from = policy.issued_at = kStart - 1000;
  policy.valid_until = kStart + 1000 * node::kDayMs;
  REQUIRE(*central.agencies().Add(node::MakeAgencyCredential(**root, policy)));
}

std::string VerifyBody(const std::string& transaction, uint64_t time) {
  return json{{"transaction_id", transaction}, {"time", time}, {"procedure", "p1"}, {"operator", "clerk"},
              {"consent", {{"mode", "signed-form"}, {"evidence_hash", std::string(64, 'a')}}},
              {"citizen_no", "001085000001"}, {"claims", {{"alive", true}}}}
      .dump();
}

node::IdaReply Send(node::IdaService& service, const Agency& agency, const std::string& path, const std::string& body) {
  const auto sig = agency.key.Sign(node::RequestSignedBytes(path, body));
  return path == "/ida/v1/verify" ? service.Verify(storage::IdHex(agency.id()), storage::ToHex(sig), body)
                                  : service.Receipt(storage::IdHex(agency.id()), storage::ToHex(sig), body);
}

int ReceiptStatus(node::IdaService& service, const Agency& agency, const std::string& transaction, uint64_t now) {
  return Send(service, agency, "/ida/v1/receipt", json{{"transaction_id", transaction}, {"time", now}}.dump()).status;
}

size_t TimeRows(const node::Node& node) {
  size_t rows = 0;
  REQUIRE(node.store().ScanMeta("ida/tx-at/", [&](std::string_view, std::string_view) { return ++rows, true; }).ok());
  return rows;
}

TEST_CASE("agency_receipts: kept for the retention period, then pruned oldest first by a later request") {
  TestNetwork net;
  node::Node& central = net.central();
  Agency agency;
  Register(central, agency);
  uint64_t now = kStart;
  const uint64_t retention = 2 * node::kDayMs;
  auto service = node::IdaService::Create(central, [&now] { return now; }, {retention});
  REQUIRE(service.ok());
  node::IdaService& ida = **service;

  REQUIRE(Send(ida, agency, "/ida/v1/verify", VerifyBody("old", now)).status == 200);
  now += node::kDayMs;
  REQUIRE(Send(ida, agency, "/ida/v1/verify", VerifyBody("mid", now)).status == 200);
  CHECK(TimeRows(central) == 2);

  // Just inside the retention of "old": kept.
  now = kStart + retention - 60 * 1000;
  REQUIRE(Send(ida, agency, "/ida/v1/verify", VerifyBody("late", now)).status == 200);
  CHECK(ReceiptStatus(ida, agency, "old", now) == 200);
  CHECK(TimeRows(central) == 3);

  // Past it (and a minute after the last pass): the next request prunes "old" only.
  now = kStart + retention + 60 * 1000;
  REQUIRE(Send(ida, agency, "/ida/v1/verify", VerifyBody("new", now)).status == 200);
  CHECK(ReceiptStatus(ida, agency, "old", now) == 404);
  CHECK(ReceiptStatus(ida, agency, "mid", now) == 200);
  CHECK(ReceiptStatus(ida, agency, "new", now) == 200);
  CHECK(TimeRows(central) == 3);
  // A replay of a kept id is still refused.
  CHECK(Send(ida, agency, "/ida/v1/verify", VerifyBody("mid", now)).status == 409);
}

TEST_CASE("agency_receipts: a retention under a day is refused") {
  TestNetwork net;
  auto service = node::IdaService::Create(net.central(), nullptr, {node::kMinRetentionMs - 1});
  REQUIRE_FALSE(service.ok());
  CHECK(service.status().code() == Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace dancu::testing
