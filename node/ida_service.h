// IdaService: a node's answers to agencies' verification requests — yes or no, never the record
// (docs/agency-verification.md). Transport-free: node/console/ida_server.h serves it over HTTPS.
//
// A request is authenticated first (the agency's credential, node/agencies.h, and its Ed25519
// signature over the path and body); nothing is audited for a request that does not authenticate.
// Then, in order: the credential must be valid now and not revoked (403), the body well formed
// (400), its time within kMaxSkew of the node's clock (400 stale), its procedure and claims
// allowed by the policy (403), its transaction id never answered before (409), its agency's and
// citizen's rates not exceeded (429 with Retry-After); then the claims are matched and a signed
// answer is made (node/ida_protocol.h). Every authenticated request is audited, durably, before
// it is answered (node/audit_log.h); an answered one also keeps its signed answer for a receipt.
// An unknown citizen number is answered exactly as a mismatch: decision no, the same fields (all
// false), a token, after the same work on an empty record.
//
// Ownership: borrows the Node (opened with its keys, certificate installed), which must outlive
// it. Thread-safe: requests are served concurrently. Errors: answered as HTTP statuses with a JSON
// {"error": {"code", "message"}} body; a failed audit write is 503 and nothing is answered.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "node/ida_limits.h"
#include "node/ida_protocol.h"
#include "node/node.h"

namespace dancu::node {

struct IdaReply {
  int status = 200;
  std::string body;          // JSON
  uint64_t retry_after = 0;  // seconds, for 429
};

class IdaService {
 public:
  static constexpr uint64_t kMaxSkewMs = 5 * 60 * 1000;
  using WallClock = std::function<uint64_t()>;  // ms since the Unix epoch

  // FailedPrecondition when the node was opened without its keys or has no certificate.
  static Result<std::unique_ptr<IdaService>> Create(Node& node, WallClock wall = nullptr);

  // POST /ida/v1/verify and /ida/v1/receipt: the headers X-Dancu-Agency and X-Dancu-Signature
  // and the body as received.
  IdaReply Verify(std::string_view agency, std::string_view signature, std::string_view body);
  IdaReply Receipt(std::string_view agency, std::string_view signature, std::string_view body);

 private:
  IdaService(Node& node, const storage::SigningKey& key, std::string chain, WallClock wall);
  // The agency whose signature over `path` and `body` verifies; 401 otherwise (in `refusal`).
  std::optional<AgencyPolicy> Authenticate(std::string_view path, std::string_view agency,
                                           std::string_view signature, std::string_view body, IdaReply* refusal);
  // Audits `record` and answers `reply`, or 503 if the audit could not be written.
  IdaReply Audited(AuditRecord record, IdaReply reply, std::vector<std::pair<std::string, std::string>> rows = {});
  // Looks the citizen up and matches the claims; the same work whether the number is known or not.
  // `record_id`: the record the number names ("" when unknown).
  Result<std::vector<std::pair<schema::Claim, bool>>> Match(const VerifyRequest& request, std::string* record_id);

  Node& node_;
  const storage::SigningKey& key_;
  const std::string chain_;
  const storage::Hash256 chain_hash_;
  const WallClock wall_;
  const std::string empty_record_;  // canonical RecordState of no one, matched for unknown numbers
  IdaLimits limits_;
};

// The store metadata key under which the signed answer of an agency's transaction is kept.
std::string TransactionKey(uint64_t agency, std::string_view transaction_id);

}  // namespace dancu::node
