// The signed answers a node gave agencies, kept for receipts (POST /ida/v1/receipt) and to refuse
// a replayed transaction id, for a retention period (docs/agency-verification.md "Receipts").
//
// Rows in the store's metadata, both written in the audit batch of the transaction they belong to
// (ReceiptRows, node/audit_log.h):
//   "ida/tx/" agency (16 hex) "/" transaction id -> the SignedAnswer
//   "ida/tx-at/" answered-at (8 bytes, big-endian) agency (8) transaction id -> "" (time order)
// PruneReceipts reads the time index from its start, so it reads only the rows it deletes, never
// the receipts kept, and deletes that index range with one range delete.
//
// Replays need only the ids answered within the accepted clock skew (IdaService::kMaxSkewMs): a
// request is refused as stale 5 minutes after its time, so an id answered more than 10 minutes
// ago can no longer come back; kMinRetentionMs keeps every id far longer than that.
//
// Free functions over the Store; thread-safe as the Store is (two concurrent prunes may delete
// the same rows twice, which is harmless). Errors: IOError from the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace dancu::node {

inline constexpr uint64_t kDayMs = 24ull * 3600 * 1000;
inline constexpr uint64_t kDefaultReceiptRetentionMs = 400 * kDayMs;
inline constexpr uint64_t kMinRetentionMs = kDayMs;

// The rows keeping the signed answer of `agency`'s transaction `transaction_id`, answered at `at`.
std::vector<std::pair<std::string, std::string>> ReceiptRows(uint64_t agency, std::string_view transaction_id,
                                                             uint64_t at, std::string signed_answer);

// The signed answer kept for the transaction, or nullopt (never answered here, or pruned).
Result<std::optional<std::string>> FindReceipt(const storage::Store& store, uint64_t agency,
                                               std::string_view transaction_id);

// Deletes, in one durable write, the receipts of transactions answered before `cutoff_ms`, oldest
// first, at most `max` of them. Returns how many were deleted (`max`: there may be more).
Result<size_t> PruneReceipts(storage::Store& store, uint64_t cutoff_ms, size_t max);

}  // namespace dancu::node
