// Verifications of a resident: which agency verified the citizen, for which procedure, when and
// with what answer — for the officer helping that citizen (the console's resident page). Written
// by the agency service (node/ida_service.h) in the same durable batch as the transaction's audit
// entry, only for a citizen number the node holds; store metadata
// "ida/record/" record id "/" time(8, big-endian) agency(8) transaction id -> JSON.
//
// Pure functions over the store, thread-safe. Errors: IOError from the store; Corruption for a
// malformed row.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace dancu::node {

struct Verification {
  uint64_t at = 0;  // ms since the Unix epoch
  std::string agency;  // its name
  std::string procedure;
  bool yes = false;
};

// The metadata row recording `v` of record `record_id` by agency `agency_id` in transaction `tx`.
std::pair<std::string, std::string> VerificationRow(std::string_view record_id, uint64_t agency_id,
                                                    std::string_view tx, const Verification& v);

// The record's verifications, newest first, at most `limit`.
Result<std::vector<Verification>> VerificationsOf(const storage::Store& store, std::string_view record_id,
                                                  size_t limit);

}  // namespace dancu::node
