// Fuzzes node::ParseVerifyRequest and node::ParseReceiptRequest, which read the JSON body of every
// authenticated request to /ida/v1/verify and /ida/v1/receipt (node/ida_service.h). Properties: no
// crash, no exception, no undefined behaviour; a request that parses has a valid transaction id,
// at least one claim, a 32-byte consent hash, and a fuzzy score within 0.5-1.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "node/ida_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto request = node::ParseVerifyRequest(body);
  if (request.ok()) {
    if (request->transaction_id.empty() || request->transaction_id.size() > 64 || request->Claims().empty() ||
        request->consent_hash.size() != 32) {
      std::abort();
    }
    if (request->full_name && !(request->full_name->min_score >= 0.5 && request->full_name->min_score <= 1.0)) {
      std::abort();
    }
  }
  auto receipt = node::ParseReceiptRequest(body);
  if (receipt.ok() && (receipt->transaction_id.empty() || receipt->transaction_id.size() > 64)) std::abort();
  return 0;
}
