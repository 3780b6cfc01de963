#include "node/ida_protocol.h"

#include <capnp/message.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace dancu::node {

namespace {

using nlohmann::json;

constexpr std::string_view kRequestDomain = "dancu/ida-request/v1\n";
constexpr size_t kMaxText = 128;

kj::ArrayPtr<const kj::byte> Bytes(const uint8_t* data, size_t size) { return kj::arrayPtr(data, size); }

bool IsTransactionId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
  });
}

Result<std::string> Text(const json& body, const char* key, bool required) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(std::string(key) + " is required");
    return std::string();
  }
  if (!it->is_string()) return Status::InvalidArgument(std::string(key) + " must be a string");
  std::string value = it->get<std::string>();
  if (value.size() > kMaxText) return Status::InvalidArgument(std::string(key) + " is too long");
  return value;
}

Result<uint64_t> Time(const json& body) {
  auto it = body.find("time");
  if (it == body.end() || !it->is_number_unsigned()) {
    return Status::InvalidArgument("time is required: ms since the Unix epoch");
  }
  return it->get<uint64_t>();
}

// The value `names` gives to the string member `key` of `object` (absent or null: `absent`, if
// given); InvalidArgument naming `field` and the names allowed otherwise.
template <typename E>
Result<E> OneOf(const json& object, const char* key, std::string_view field,
                std::initializer_list<std::pair<std::string_view, E>> names, std::optional<E> absent) {
  auto it = object.find(key);
  if ((it == object.end() || it->is_null()) && absent) return *absent;
  if (it != object.end() && it->is_string()) {
    for (const auto& [name, value] : names) {
      if (it->get_ref<const std::string&>() == name) return value;
    }
  }
  std::string allowed;
  size_t i = 0;
  for (const auto& [name, value] : names) {
    allowed += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(name);
    ++i;
  }
  return Status::InvalidArgument(std::string(field) + " must be " + allowed);
}

Result<NameClaim> ParseName(const json& claim) {
  if (!claim.is_object()) return Status::InvalidArgument("claims.full_name must be an object");
  NameClaim name;
  auto value = Text(claim, "value", true);
  if (!value.ok()) return value.status().WithContext("claims.full_name");
  name.value = *value;
  auto match = OneOf<NameMatch>(claim, "match", "claims.full_name.match",
                                {{"exact", NameMatch::kExact}, {"folded", NameMatch::kFolded}, {"fuzzy", NameMatch::kFuzzy}},
                                NameMatch::kExact);
  if (!match.ok()) return match.status();
  name.match = *match;
  if (name.match == NameMatch::kFuzzy) {
    if (claim.contains("min_score")) {
      if (!claim["min_score"].is_number()) return Status::InvalidArgument("claims.full_name.min_score must be a number");
      name.min_score = claim["min_score"].get<double>();
    }
    if (!(name.min_score >= 0.5 && name.min_score <= 1.0)) {
      return Status::InvalidArgument("claims.full_name.min_score must be from 0.5 to 1");
    }
  }
  return name;
}

Result<DateClaim> ParseDate(const json& claim) {
  if (!claim.is_object() || !claim.contains("value") || !claim["value"].is_string()) {
    return Status::InvalidArgument("claims.birth_date must be an object with a value");
  }
  auto value = storage::ParsePartialDate(claim["value"].get<std::string>());
  if (!value.ok()) return value.status().WithContext("claims.birth_date.value");
  DateClaim date;
  date.value = *value;
  auto precision = OneOf<DatePrecision>(
      claim, "precision", "claims.birth_date.precision",
      {{"day", DatePrecision::kDay}, {"month", DatePrecision::kMonth}, {"year", DatePrecision::kYear}}, DatePrecision::kDay);
  if (!precision.ok()) return precision.status();
  date.precision = *precision;
  const bool enough = date.precision == DatePrecision::kYear    ? date.value.year != 0
                      : date.precision == DatePrecision::kMonth ? date.value.month != 0
                                                                : date.value.complete();
  if (!enough) return Status::InvalidArgument("claims.birth_date.value is less precise than its precision");
  return date;
}

Result<json> ParseObject(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return Status::InvalidArgument("the body is not a JSON object");
  return parsed;
}

}  // namespace

std::string RequestSignedBytes(std::string_view path, std::string_view body) {
  return std::string(kRequestDomain) + std::string(path) + "\n" + std::string(body);
}

std::vector<schema::Claim> VerifyRequest::Claims() const {
  std::vector<schema::Claim> claims;
  if (full_name) claims.push_back(schema::Claim::FULL_NAME);
  if (birth_date) claims.push_back(schema::Claim::BIRTH_DATE);
  if (sex) claims.push_back(schema::Claim::SEX);
  if (alive) claims.push_back(schema::Claim::ALIVE);
  return claims;
}

Result<VerifyRequest> ParseVerifyRequest(std::string_view body) {
  auto parsed = ParseObject(body);
  if (!parsed.ok()) return parsed.status();
  const json& j = *parsed;
  VerifyRequest r;
  auto id = Text(j, "transaction_id", true);
  if (!id.ok()) return id.status();
  if (!IsTransactionId(*id)) return Status::InvalidArgument("transaction_id must be 1-64 of A-Z a-z 0-9 . _ : -");
  r.transaction_id = *id;
  auto time = Time(j);
  if (!time.ok()) return time.status();
  r.time_ms = *time;
  for (auto [key, out] : {std::pair{"procedure", &r.procedure}, std::pair{"operator", &r.officer},
                          std::pair{"citizen_no", &r.citizen_no}}) {
    auto value = Text(j, key, true);
    if (!value.ok()) return value.status();
    *out = *value;
  }
  auto consent = j.find("consent");
  if (consent == j.end() || !consent->is_object()) return Status::InvalidArgument("consent is required: {mode, evidence_hash}");
  auto mode = Text(*consent, "mode", true);
  if (!mode.ok()) return mode.status().WithContext("consent");
  r.consent_mode = *mode;
  auto evidence = Text(*consent, "evidence_hash", true);
  if (!evidence.ok()) return evidence.status().WithContext("consent");
  r.consent_hash.resize(32);
  if (!storage::FromHex(*evidence, reinterpret_cast<uint8_t*>(r.consent_hash.data()), 32)) {
    return Status::InvalidArgument("consent.evidence_hash must be 64 hex digits");
  }
  auto claims = j.find("claims");
  if (claims == j.end() || !claims->is_object()) return Status::InvalidArgument("claims is required");
  for (const auto& [key, value] : claims->items()) {
    if (key == "full_name") {
      auto name = ParseName(value);
      if (!name.ok()) return name.status();
      r.full_name = *name;
    } else if (key == "birth_date") {
      auto date = ParseDate(value);
      if (!date.ok()) return date.status();
      r.birth_date = *date;
    } else if (key == "sex") {
      auto sex = OneOf<schema::Sex>(*claims, "sex", "claims.sex",
                                    {{"male", schema::Sex::MALE}, {"female", schema::Sex::FEMALE}}, std::nullopt);
      if (!sex.ok()) return sex.status();
      r.sex = *sex;
    } else if (key == "alive") {
      if (!value.is_boolean()) return Status::InvalidArgument("claims.alive must be true or false");
      r.alive = value.get<bool>();
    } else {
      return Status::InvalidArgument("claims." + key + " is not a claim (full_name, birth_date, sex, alive)");
    }
  }
  if (r.Claims().empty()) return Status::InvalidArgument("claims must name at least one claim");
  return r;
}

Result<ReceiptRequest> ParseReceiptRequest(std::string_view body) {
  auto parsed = ParseObject(body);
  if (!parsed.ok()) return parsed.status();
  ReceiptRequest r;
  auto id = Text(*parsed, "transaction_id", true);
  if (!id.ok()) return id.status();
  if (!IsTransactionId(*id)) return Status::InvalidArgument("transaction_id must be 1-64 of A-Z a-z 0-9 . _ : -");
  r.transaction_id = *id;
  auto time = Time(*parsed);
  if (!time.ok()) return time.status();
  r.time_ms = *time;
  return r;
}

std::string SignAnswer(const Answer& a, const storage::SigningKey& key) {
  capnp::MallocMessageBuilder message;
  auto answer = message.initRoot<schema::IdaAnswer>();
  answer.setNode(a.node);
  answer.setAgencyId(a.agency_id);
  answer.setTransactionId(a.transaction_id);
  answer.setRequestHash(Bytes(a.request_hash.data(), a.request_hash.size()));
  answer.setDecision(a.yes ? schema::Decision::YES : schema::Decision::NO);
  auto fields = answer.initFields(static_cast<unsigned>(a.fields.size()));
  for (unsigned i = 0; i < fields.size(); ++i) {
    fields[i].setClaim(a.fields[i].first);
    fields[i].setMatch(a.fields[i].second);
  }
  answer.setToken(Bytes(a.token.data(), a.token.size()));
  answer.setAnsweredAt(a.answered_at);
  answer.setDataAsOf(a.data_as_of);
  answer.setChainHash(Bytes(a.chain_hash.data(), a.chain_hash.size()));
  const std::string body = storage::Canonicalize(answer.asReader());
  const storage::Signature sig = key.Sign(std::string(kAnswerDomain) + body);
  capnp::MallocMessageBuilder out;
  auto signed_answer = out.initRoot<schema::SignedAnswer>();
  signed_answer.setAnswer(Bytes(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
  signed_answer.setSignature(Bytes(sig.data(), sig.size()));
  return storage::Canonicalize(signed_answer.asReader());
}

namespace {

Result<Answer> CheckAnswer(std::string_view signed_answer, std::string_view chain, const storage::PublicKey& root) {
  auto outer = storage::Parsed<schema::SignedAnswer>::Parse(signed_answer, "signed answer");
  if (!outer.ok()) return outer.status();
  const std::string_view body = storage::AsView(outer->get().getAnswer());
  auto parsed = storage::Parsed<schema::IdaAnswer>::Parse(body, "answer");
  if (!parsed.ok()) return parsed.status();
  auto a = parsed->get();
  if (a.getRequestHash().size() != 32 || a.getToken().size() != 32 || a.getChainHash().size() != 32) {
    return Status::Corruption("answer: a hash or the token is not 32 bytes");
  }
  Answer answer;
  std::copy(a.getRequestHash().begin(), a.getRequestHash().end(), answer.request_hash.begin());
  std::copy(a.getToken().begin(), a.getToken().end(), answer.token.begin());
  std::copy(a.getChainHash().begin(), a.getChainHash().end(), answer.chain_hash.begin());
  answer.node = a.getNode();
  answer.agency_id = a.getAgencyId();
  answer.transaction_id = a.getTransactionId().cStr();
  answer.yes = a.getDecision() == schema::Decision::YES;
  for (auto field : a.getFields()) answer.fields.emplace_back(field.getClaim(), field.getMatch());
  answer.answered_at = a.getAnsweredAt();
  answer.data_as_of = a.getDataAsOf();

  if (storage::Blake2b256(chain) != answer.chain_hash) {
    return Status::Corruption("answer: the certificate chain given is not the one the answer names");
  }
  auto verified = VerifyChain(chain, root, answer.answered_at);
  if (!verified.ok()) return verified.status().WithContext("answer: the node's certificate chain");
  if (verified->leaf_node_id != answer.node) return Status::Corruption("answer: the chain is another node's");
  auto sig_data = outer->get().getSignature();
  storage::Signature sig{};
  if (sig_data.size() != sig.size()) return Status::Corruption("answer: the signature is not 64 bytes");
  std::copy(sig_data.begin(), sig_data.end(), sig.begin());
  if (!storage::VerifySignature(verified->leaf_signing_key, std::string(kAnswerDomain) + std::string(body), sig)) {
    return Status::Corruption("answer: the node's signature does not verify");
  }
  return answer;
}

}  // namespace

Result<Answer> VerifyAnswer(std::string_view signed_answer, std::string_view chain, const storage::PublicKey& root) {
  // Canonical bytes may still hold a field of the wrong kind or a text without its NUL: Cap'n Proto
  // throws when it is read.
  try {
    return CheckAnswer(signed_answer, chain, root);
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("answer: ") + e.getDescription().cStr());
  }
}

}  // namespace dancu::node
