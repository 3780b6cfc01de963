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
// Receipts (node/ida_receipts.h) are kept for `receipt_retention_ms`: at most once a minute, the
// request being answered then also deletes those older (at most kMaxPrunedPerCall per pass), so
// the rows kept stay bounded by the retention, not by the node's whole history.
//
// Rate limits (node/ida_limits.h) survive a restart: Create rebuilds them from the audit's last
// hour of answered requests.
//
// Ownership: borrows the Node (opened with its keys, certificate installed), which must outlive
// it. Thread-safe: requests are served concurrently. Errors: answered as HTTP statuses with a JSON
// {"error": {"code", "message"}} body; a failed audit write is 503 and nothing is answered.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "node/ida_limits.h"
#include "node/ida_protocol.h"
#include "node/ida_receipts.h"
#include "node/node.h"

namespace dancu::node {

struct IdaOptions {
  uint64_t receipt_retention_ms = kDefaultReceiptRetentionMs;  // at least kMinRetentionMs
};

struct IdaReply {
  int status = 200;
  std::string body;          // JSON
  uint64_t retry_after = 0;  // seconds, for 429
};

class IdaService {
 public:
  static constexpr uint64_t kMaxSkewMs = 5 * 60 * 1000;
  using WallClock = std::function<uint64_t()>;  // ms since the Unix epoch

  static constexpr uint64_t kPruneEveryMs = 60 * 1000;
  static constexpr size_t kMaxPrunedPerCall = 4096;

  // FailedPrecondition when the node was opened without its keys or has no certificate;
  // InvalidArgument for a retention under kMinRetentionMs.
  static Result<std::unique_ptr<IdaService>> Create(Node& node, WallClock wall = nullptr, IdaOptions options = {});

  // POST /ida/v1/verify and /ida/v1/receipt: the headers X-Dancu-Agency and X-Dancu-Signature
  // and the body as received.
  IdaReply Verify(std::string_view agency, std::string_view signature, std::string_view body);
  IdaReply Receipt(std::string_view agency, std::string_view signature, std::string_view body);

 private:
  IdaService(Node& node, const storage::SigningKey& key, std::string chain, WallClock wall, IdaOptions options);
  // Admits again the requests this node's audit says it answered in the last IdaLimits::kWindow,
  // at their times: the rate limits continue where the last run left them.
  Status RestoreLimits();
  // Prunes the receipts older than the retention if a pass is due at `now`.
  void PruneIfDue(uint64_t now);
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
  const IdaOptions options_;
  std::atomic<uint64_t> next_prune_{0};  // ms since the Unix epoch
  IdaLimits limits_;
};

}  // namespace dancu::node
