#include "node/verifications.h"

#include <algorithm>

#include "storage/store_layout.h"

namespace dancu::node {

namespace {
std::string Prefix(std::string_view record_id) { return "ida/record/" + std::string(record_id) + "/"; }
}  // namespace

std::pair<std::string, std::string> VerificationRow(std::string_view record_id, uint64_t agency_id,
                                                    std::string_view tx, const Verification& v) {
  std::string key = Prefix(record_id) + storage::layout::EncodeU64(v.at) + storage::layout::EncodeU64(agency_id) +
                    std::string(tx);
  nlohmann::json value = {{"at", v.at}, {"agency", v.agency}, {"procedure", v.procedure}, {"yes", v.yes}};
  return {std::move(key), value.dump()};
}

Result<std::vector<Verification>> VerificationsOf(const storage::Store& store, std::string_view record_id,
                                                  size_t limit) {
  std::vector<Verification> out;
  Status bad;
  DANCU_RETURN_IF_ERROR(store.ScanMeta(Prefix(record_id), [&](std::string_view, std::string_view value) {
    nlohmann::json row = nlohmann::json::parse(value, nullptr, false);
    if (!row.is_object() || !row.contains("at") || !row.contains("agency")) {
      bad = Status::Corruption("a stored verification of record " + std::string(record_id) + " is malformed");
      return false;
    }
    out.push_back({row["at"].get<uint64_t>(), row["agency"].get<std::string>(), row.value("procedure", ""),
                   row.value("yes", false)});
    return true;
  }));
  DANCU_RETURN_IF_ERROR(bad);
  std::reverse(out.begin(), out.end());
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace dancu::node
