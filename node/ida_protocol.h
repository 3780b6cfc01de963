// The agency verification protocol's bytes (docs/agency-verification.md): what an agency signs,
// what it asks, and the signed answer a node gives — shared by the service (node/ida_service.h)
// and the client (`dancu agency verify`).
//
// Requests are JSON, signed by the agency's Ed25519 key over RequestSignedBytes(path, body) and
// sent with the headers X-Dancu-Agency (the agency id, 16 hex digits) and X-Dancu-Signature (128
// hex digits). Answers are canonical Cap'n Proto (node/agency.capnp IdaAnswer) signed by the
// answering node, checked offline with the node's certificate chain up to the national root.
//
// Pure functions, thread-safe. Errors: InvalidArgument naming the first bad field of a request;
// Corruption for an answer that does not parse or verify.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/agency.capnp.h"
#include "node/certificates.h"
#include "storage/canonical.h"
#include "storage/crypto.h"
#include "storage/partial_date.h"

namespace dancu::node {

inline constexpr std::string_view kAgencyHeader = "X-Dancu-Agency";
inline constexpr std::string_view kSignatureHeader = "X-Dancu-Signature";
inline constexpr size_t kMaxRequestBytes = 16u << 10;
// What a node signs: kAnswerDomain || the IdaAnswer's canonical bytes.
inline constexpr std::string_view kAnswerDomain = "dancu/ida-answer/v1";

// "dancu/ida-request/v1\n" || path || "\n" || body: the signature binds the endpoint and the body.
std::string RequestSignedBytes(std::string_view path, std::string_view body);

enum class NameMatch { kExact, kFolded, kFuzzy };
enum class DatePrecision { kDay, kMonth, kYear };

struct NameClaim {
  std::string value;
  NameMatch match = NameMatch::kExact;
  double min_score = 0.85;  // fuzzy only
};
struct DateClaim {
  storage::PartialDateValue value;
  DatePrecision precision = DatePrecision::kDay;
};

struct VerifyRequest {
  std::string transaction_id;  // 1-64 of A-Z a-z 0-9 . _ : -
  uint64_t time_ms = 0;
  std::string procedure, officer;  // officer: the operator at the agency
  std::string consent_mode;
  std::string consent_hash;        // 32 raw bytes
  std::string citizen_no;          // may be malformed: then it is simply not found
  std::optional<NameClaim> full_name;
  std::optional<DateClaim> birth_date;
  std::optional<schema::Sex> sex;
  std::optional<bool> alive;

  std::vector<schema::Claim> Claims() const;  // the claims asked, in Claim order
};

// Parses a verification request body. InvalidArgument naming the first problem.
Result<VerifyRequest> ParseVerifyRequest(std::string_view body);

struct ReceiptRequest {
  std::string transaction_id;
  uint64_t time_ms = 0;
};
Result<ReceiptRequest> ParseReceiptRequest(std::string_view body);

struct Answer {
  uint64_t node = 0, agency_id = 0;
  std::string transaction_id;
  storage::Hash256 request_hash{};
  bool yes = false;
  std::vector<std::pair<schema::Claim, bool>> fields;  // only where the policy allows
  std::array<uint8_t, 32> token{};
  uint64_t answered_at = 0, data_as_of = 0;
  storage::Hash256 chain_hash{};
};

// The canonical SignedAnswer of `answer`, signed with the node's key.
std::string SignAnswer(const Answer& answer, const storage::SigningKey& key);

// Checks a SignedAnswer offline: `chain` (the node's certificate chain) verifies up to `root` at
// the answer's time, names the answer's node, hashes to its chainHash, and its leaf key signed the
// answer. The answer, decoded.
Result<Answer> VerifyAnswer(std::string_view signed_answer, std::string_view chain, const storage::PublicKey& root);

}  // namespace dancu::node
