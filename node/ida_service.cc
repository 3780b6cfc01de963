#include "node/ida_service.h"

#include <capnp/message.h>

#include <nlohmann/json.hpp>

#include "node/freshness.h"
#include "node/ida_match.h"
#include "node/verifications.h"
#include "storage/hlc.h"

namespace dancu::node {

namespace {

using nlohmann::json;
constexpr std::string_view kVerifyPath = "/ida/v1/verify";
constexpr std::string_view kReceiptPath = "/ida/v1/receipt";

IdaReply Error(int status, const std::string& code, const std::string& message, uint64_t retry_after = 0) {
  return {status, json{{"error", {{"code", code}, {"message", message}}}}.dump(), retry_after};
}

std::string Raw(const std::array<uint8_t, 32>& bytes) { return {reinterpret_cast<const char*>(bytes.data()), 32}; }

std::string EmptyRecord() {
  capnp::MallocMessageBuilder message;
  message.initRoot<schema::RecordState>().initResident();
  return storage::Canonicalize(message.getRoot<schema::RecordState>().asReader());
}

}  // namespace

Result<std::unique_ptr<IdaService>> IdaService::Create(Node& node, WallClock wall, IdaOptions options) {
  if (options.receipt_retention_ms < kMinRetentionMs) {
    return Status::InvalidArgument("receipts must be kept at least a day (replayed transaction ids are refused by them)");
  }
  auto key = node.signing_key();
  if (!key.ok()) return key.status();
  auto chain = node.OwnChain();
  if (!chain.ok()) return chain.status();
  if (!wall) wall = [] { return storage::HybridClock::SystemMillis(); };
  std::unique_ptr<IdaService> service(new IdaService(node, **key, *chain, std::move(wall), options));
  Status restored = service->RestoreLimits();
  if (!restored.ok()) return restored.WithContext("rebuilding the rate limits from the audit");
  return service;
}

IdaService::IdaService(Node& node, const storage::SigningKey& key, std::string chain, WallClock wall,
                       IdaOptions options)
    : node_(node),
      key_(key),
      chain_(std::move(chain)),
      chain_hash_(storage::Blake2b256(chain_)),
      wall_(std::move(wall)),
      empty_record_(EmptyRecord()),
      options_(options) {}

Status IdaService::RestoreLimits() {
  const uint64_t wall_now = wall_();
  const auto steady_now = IdaLimits::Clock::now();
  const uint64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(IdaLimits::kWindow).count();
  const uint64_t since = wall_now > window_ms ? wall_now - window_ms : 0;
  std::map<uint64_t, std::optional<AgencyPolicy>> policies;
  uint64_t at = since;
  return node_.audit().ScanOwnSince(since, [&](schema::AuditEntry::Reader e) {
    // Only answered requests passed the limits; the others took nothing from them.
    if (e.getOutcome() != schema::AuditOutcome::YES && e.getOutcome() != schema::AuditOutcome::NO) return;
    auto [it, added] = policies.try_emplace(e.getAgencyId());
    if (added) it->second = node_.agencies().Find(e.getAgencyId());
    if (!it->second || e.getToken().size() != 32) return;
    std::array<uint8_t, 32> token{};
    std::copy(e.getToken().begin(), e.getToken().end(), token.begin());
    at = std::clamp<uint64_t>(e.getAt(), at, wall_now);  // in order, never in the future
    (void)limits_.Admit(*it->second, token, steady_now - std::chrono::milliseconds(wall_now - at));
  });
}

void IdaService::PruneIfDue(uint64_t now) {
  uint64_t due = next_prune_.load();
  if (now < due || !next_prune_.compare_exchange_strong(due, now + kPruneEveryMs)) return;
  if (now <= options_.receipt_retention_ms) return;
  auto pruned = PruneReceipts(node_.store(), now - options_.receipt_retention_ms, kMaxPrunedPerCall);
  // More left (or a failed write): the next request prunes again.
  if (!pruned.ok() || *pruned == kMaxPrunedPerCall) next_prune_ = now;
}

std::optional<AgencyPolicy> IdaService::Authenticate(std::string_view path, std::string_view agency,
                                                     std::string_view signature, std::string_view body,
                                                     IdaReply* refusal) {
  *refusal = Error(401, "unauthenticated", "the request is not signed by a registered agency");
  auto id = ParseNodeIdHex(agency);
  if (!id.ok()) return std::nullopt;
  auto policy = node_.agencies().Find(*id);
  storage::Signature sig{};
  if (!policy || !storage::FromHex(signature, sig.data(), sig.size())) return std::nullopt;
  if (!storage::VerifySignature(policy->key, RequestSignedBytes(path, body), sig)) return std::nullopt;
  return policy;
}

IdaReply IdaService::Audited(AuditRecord record, IdaReply reply, std::vector<std::pair<std::string, std::string>> rows) {
  Status audited = node_.audit().Record(std::move(record), std::move(rows));
  if (!audited.ok()) return Error(503, "audit_unavailable", "the audit could not be written; try again later");
  return reply;
}

Result<std::vector<std::pair<schema::Claim, bool>>> IdaService::Match(const VerifyRequest& request,
                                                                     std::string* record_id) {
  auto id = node_.store().FindCitizenNo(request.citizen_no);
  if (!id.ok()) return id.status();
  // An unknown number reads a record that is not there and matches the empty record: the same work.
  auto bytes = node_.store().GetRecord(id->has_value() ? **id : std::string_view("-"));
  if (!bytes.ok()) return bytes.status();
  bool found = bytes->has_value();
  auto state = storage::Parsed<schema::RecordState>::Parse(found ? **bytes : empty_record_, "record");
  if (!state.ok()) return state.status();
  auto results = MatchClaims(request, state->get().getResident());
  if (state->get().getResident().hasMergedInto()) found = false;
  if (!found) {
    for (auto& result : results) result.second = false;
  }
  *record_id = found ? **id : "";
  return results;
}

IdaReply IdaService::Verify(std::string_view agency, std::string_view signature, std::string_view body) {
  IdaReply refusal;
  auto policy = Authenticate(kVerifyPath, agency, signature, body, &refusal);
  if (!policy) return refusal;
  const uint64_t now = wall_();
  const storage::Hash256 request_hash = storage::Blake2b256(RequestSignedBytes(kVerifyPath, body));
  AuditRecord record;
  record.agency_id = policy->id;
  record.request_hash = std::string(storage::AsBytes(request_hash));
  record.at = now;
  record.outcome = schema::AuditOutcome::FORBIDDEN;

  auto request = ParseVerifyRequest(body);
  if (!request.ok()) return Error(400, "malformed", request.status().message());
  record.transaction_id = request->transaction_id;
  record.procedure = request->procedure;
  record.officer = request->officer;
  record.consent_mode = request->consent_mode;
  record.consent_hash = request->consent_hash;
  const auto token = CitizenToken(*policy, request->citizen_no);
  record.token = Raw(token);

  if (policy->revoked) return Audited(record, Error(403, "revoked", "this agency's credential was revoked"));
  if (now < policy->valid_from || now >= policy->valid_until) {
    return Audited(record, Error(403, "expired", "this agency's credential is not valid now"));
  }
  const uint64_t skew = now > request->time_ms ? now - request->time_ms : request->time_ms - now;
  if (skew > kMaxSkewMs) {
    record.outcome = schema::AuditOutcome::STALE;
    return Audited(record, Error(400, "stale", "the request's time is more than 5 minutes from this node's clock"));
  }
  if (!policy->AllowsProcedure(request->procedure)) {
    return Audited(record, Error(403, "procedure_not_allowed", "this agency may not verify for that procedure"));
  }
  for (schema::Claim claim : request->Claims()) {
    if (!policy->Allows(claim)) {
      return Audited(record, Error(403, "claim_not_allowed",
                                   "this agency may not ask about " + std::string(ClaimName(claim))));
    }
  }
  if (!limits_.Begin(policy->id, request->transaction_id)) {
    record.outcome = schema::AuditOutcome::REPLAYED;
    return Audited(record, Error(409, "replayed", "this transaction id is being answered already"));
  }
  struct EndGuard {
    IdaLimits& limits;
    uint64_t agency;
    const std::string& id;
    ~EndGuard() { limits.End(agency, id); }
  } end{limits_, policy->id, request->transaction_id};
  auto answered = FindReceipt(node_.store(), policy->id, request->transaction_id);
  if (!answered.ok()) return Error(503, "unavailable", answered.status().message());
  if (answered->has_value()) {
    record.outcome = schema::AuditOutcome::REPLAYED;
    return Audited(record, Error(409, "replayed", "this transaction id was answered already"));
  }
  if (uint64_t wait = limits_.Admit(*policy, token, IdaLimits::Clock::now()); wait > 0) {
    record.outcome = schema::AuditOutcome::RATE_LIMITED;
    return Audited(record, Error(429, "rate_limited", "too many requests; retry later", wait));
  }

  std::string record_id;
  auto results = Match(*request, &record_id);
  const bool found = !record_id.empty();
  if (!results.ok()) return Error(503, "unavailable", "the registry could not be read; try again later");
  Answer answer;
  answer.node = node_.config().node_id;
  answer.agency_id = policy->id;
  answer.transaction_id = request->transaction_id;
  answer.request_hash = request_hash;
  answer.yes = found && std::all_of(results->begin(), results->end(), [](const auto& r) { return r.second; });
  if (policy->per_field_results) answer.fields = *results;
  answer.token = token;
  answer.answered_at = now;
  auto as_of = DataAsOf(node_, now);
  if (!as_of.ok()) return Error(503, "unavailable", as_of.status().message());
  answer.data_as_of = *as_of;
  answer.chain_hash = chain_hash_;
  const std::string signed_answer = SignAnswer(answer, key_);
  record.outcome = answer.yes ? schema::AuditOutcome::YES : schema::AuditOutcome::NO;
  IdaReply reply{200, json{{"decision", answer.yes ? "yes" : "no"},
                           {"answer", storage::ToHex(signed_answer)},
                           {"chain", storage::ToHex(chain_)}}.dump()};
  auto rows = ReceiptRows(policy->id, request->transaction_id, now, signed_answer);
  if (found) {
    rows.push_back(VerificationRow(record_id, policy->id, request->transaction_id,
                                   {now, policy->name, request->procedure, answer.yes}));
  }
  IdaReply answered_reply = Audited(record, std::move(reply), std::move(rows));
  PruneIfDue(now);
  return answered_reply;
}

IdaReply IdaService::Receipt(std::string_view agency, std::string_view signature, std::string_view body) {
  IdaReply refusal;
  auto policy = Authenticate(kReceiptPath, agency, signature, body, &refusal);
  if (!policy) return refusal;
  auto request = ParseReceiptRequest(body);
  if (!request.ok()) return Error(400, "malformed", request.status().message());
  const uint64_t now = wall_();
  if ((now > request->time_ms ? now - request->time_ms : request->time_ms - now) > kMaxSkewMs) {
    return Error(400, "stale", "the request's time is more than 5 minutes from this node's clock");
  }
  auto answered = FindReceipt(node_.store(), policy->id, request->transaction_id);
  if (!answered.ok()) return Error(503, "unavailable", answered.status().message());
  if (!answered->has_value()) return Error(404, "not_found", "this node answered no such transaction of this agency");
  return {200, json{{"answer", storage::ToHex(**answered)}, {"chain", storage::ToHex(chain_)}}.dump()};
}

}  // namespace dancu::node
