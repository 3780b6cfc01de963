#include "node/ida_receipts.h"

#include "node/node_config.h"
#include "storage/store_layout.h"

namespace dancu::node {

namespace {

constexpr std::string_view kReceiptPrefix = "ida/tx/";
constexpr std::string_view kTimePrefix = "ida/tx-at/";

std::string ReceiptKey(uint64_t agency, std::string_view transaction_id) {
  return std::string(kReceiptPrefix) + NodeIdHex(agency) + "/" + std::string(transaction_id);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ReceiptRows(uint64_t agency, std::string_view transaction_id,
                                                             uint64_t at, std::string signed_answer) {
  return {{ReceiptKey(agency, transaction_id), std::move(signed_answer)},
          {std::string(kTimePrefix) + storage::layout::EncodeU64(at) + storage::layout::EncodeU64(agency) + std::string(transaction_id), ""}};
}

Result<std::optional<std::string>> FindReceipt(const storage::Store& store, uint64_t agency,
                                               std::string_view transaction_id) {
  return store.GetMeta(ReceiptKey(agency, transaction_id));
}

Result<size_t> PruneReceipts(storage::Store& store, uint64_t cutoff_ms, size_t max) {
  std::vector<std::string> receipts;
  std::string last;
  Status bad;
  DANCU_RETURN_IF_ERROR(store.ScanMeta(kTimePrefix, [&](std::string_view key, std::string_view) {
    const std::string_view rest = key.substr(kTimePrefix.size());
    if (rest.size() < 16) {
      bad = Status::Corruption("a receipt's time row is malformed");
      return false;
    }
    uint64_t at = 0, agency = 0;
    storage::layout::DecodeU64(rest.substr(0, 8), &at);  // the size is checked above
    storage::layout::DecodeU64(rest.substr(8, 8), &agency);
    if (at >= cutoff_ms || receipts.size() == max) return false;
    receipts.push_back(ReceiptKey(agency, rest.substr(16)));
    last = key;
    return true;
  }));
  DANCU_RETURN_IF_ERROR(bad);
  if (receipts.empty()) return size_t{0};
  // The index rows deleted: from the prefix to just past the last one read.
  DANCU_RETURN_IF_ERROR(store.DeleteMetas(receipts, kTimePrefix, last + '\0'));
  return receipts.size();
}

}  // namespace dancu::node
