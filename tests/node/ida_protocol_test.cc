// The decoders of agency verification's untrusted bytes on what the fuzzers found (tests/fuzz):
// the request parser (node/ida_protocol.h) answers InvalidArgument naming the field, never an
// exception (which the server would answer 500); a signed credential, audit batch or answer whose
// text lacks its NUL (canonical, yet unreadable) is Corruption, never an exception.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <capnp/message.h>

#include "node/agencies.h"
#include "node/audit_log.h"
#include "node/ida_protocol.h"
#include "storage/canonical.h"

namespace dancu::testing {
namespace {

using nlohmann::json;

json Request(json claims) {
  return {{"transaction_id", "tx-1"}, {"time", 1796291300957}, {"procedure", "p1"}, {"operator", "clerk"},
          {"consent", {{"mode", "signed-form"}, {"evidence_hash", std::string(64, 'a')}}},
          {"citizen_no", "001085000001"}, {"claims", std::move(claims)}};
}

void RequireRefused(const json& claims, const std::string& field) {
  INFO(claims.dump());
  Result<node::VerifyRequest> parsed = Status::Ok();
  REQUIRE_NOTHROW(parsed = node::ParseVerifyRequest(Request(claims).dump()));
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == Status::Code::kInvalidArgument);
  CHECK(parsed.status().message().find(field) != std::string::npos);
}

TEST_CASE("agency_protocol_parse: a choice of the wrong kind is refused by name, not thrown") {
  RequireRefused({{"full_name", {{"value", "An"}, {"match", 5}}}}, "claims.full_name.match");
  RequireRefused({{"full_name", {{"value", "An"}, {"match", "loose"}}}}, "exact, folded or fuzzy");
  RequireRefused({{"birth_date", {{"value", "1985"}, {"precision", json::array()}}}}, "claims.birth_date.precision");
  RequireRefused({{"sex", nullptr}}, "claims.sex must be male or female");
  RequireRefused({{"sex", 1}}, "claims.sex");

  // Absent choices take their defaults.
  auto parsed = node::ParseVerifyRequest(Request({{"full_name", {{"value", "An"}}}, {"birth_date", {{"value", "1985-03-07"}}}}).dump());
  REQUIRE(parsed.ok());
  CHECK(parsed->full_name->match == node::NameMatch::kExact);
  CHECK(parsed->birth_date->precision == node::DatePrecision::kDay);
}

// `bytes` with the NUL ending the text `marker` replaced: still canonical, no longer a valid text.
std::string Unterminated(std::string bytes, const std::string& marker) {
  const size_t at = bytes.find(marker + std::string(1, '\0'));
  REQUIRE(at != std::string::npos);
  bytes[at + marker.size()] = 'X';
  return bytes;
}

kj::ArrayPtr<const kj::byte> Bytes(const std::string& s) {
  return kj::arrayPtr(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}

// A Signed (body, signature) message over `body`, signed by `key` under `domain`.
template <typename Signed, typename SetBody>
std::string SignedBy(const storage::SigningKey& key, std::string_view domain, const std::string& body, SetBody set) {
  const storage::Signature sig = key.Sign(std::string(domain) + body);
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<Signed>();
  set(root, Bytes(body));
  root.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  return storage::Canonicalize(root.asReader());
}

TEST_CASE("agency_protocol_parse: signed credentials, audit batches and answers with an unreadable text are Corruption") {
  const storage::SigningKey root = storage::SigningKey::Generate();

  capnp::MallocMessageBuilder policy_message;
  auto policy = policy_message.initRoot<schema::AgencyPolicy>();
  policy.setName("agency-name");
  policy.setKey(kj::arrayPtr(root.public_key().data(), root.public_key().size()));
  policy.setAgencyId(node::AgencyIdOf(root.public_key()));
  policy.setTokenSalt(Bytes(std::string(32, 's')));
  const std::string policy_body = Unterminated(storage::Canonicalize(policy.asReader()), "agency-name");
  Result<node::AgencyPolicy> credential = Status::Ok();
  REQUIRE_NOTHROW(credential = node::CheckAgencyCredential(
                      SignedBy<schema::AgencyCredential>(root, node::kCredentialDomain, policy_body,
                                                         [](auto c, auto b) { c.setPolicy(b); }),
                      root.public_key()));
  CHECK(credential.status().code() == Status::Code::kCorruption);

  capnp::MallocMessageBuilder batch_message;
  auto batch = batch_message.initRoot<schema::AuditBatch>();
  batch.setOrigin(root.node_id());
  batch.setSeq(1);
  batch.setPrevHash(Bytes(std::string(32, '\0')));
  batch.initEntries(1)[0].setTransactionId("tx-marker");
  const std::string batch_body = Unterminated(storage::Canonicalize(batch.asReader()), "tx-marker");
  const storage::KeyLookup keys = [&](uint64_t) { return std::optional(root.public_key()); };
  Result<storage::Parsed<schema::AuditBatch>> audit = Status::Ok();
  REQUIRE_NOTHROW(audit = node::VerifyAuditBatch(
                      SignedBy<schema::SignedAuditBatch>(root, node::kAuditDomain, batch_body,
                                                         [](auto s, auto b) { s.setBatch(b); }),
                      keys));
  CHECK(audit.status().code() == Status::Code::kCorruption);

  capnp::MallocMessageBuilder answer_message;
  auto answer = answer_message.initRoot<schema::IdaAnswer>();
  answer.setTransactionId("tx-marker");
  for (auto set : {&schema::IdaAnswer::Builder::setRequestHash, &schema::IdaAnswer::Builder::setToken,
                   &schema::IdaAnswer::Builder::setChainHash}) {
    (answer.*set)(Bytes(std::string(32, 'h')));
  }
  const std::string answer_body = Unterminated(storage::Canonicalize(answer.asReader()), "tx-marker");
  Result<node::Answer> checked = Status::Ok();
  REQUIRE_NOTHROW(checked = node::VerifyAnswer(
                      SignedBy<schema::SignedAnswer>(root, node::kAnswerDomain, answer_body,
                                                     [](auto a, auto b) { a.setAnswer(b); }),
                      "", root.public_key()));
  CHECK(checked.status().code() == Status::Code::kCorruption);
  CHECK(checked.status().message().find("answer: ") == 0);
}

}  // namespace
}  // namespace dancu::testing
