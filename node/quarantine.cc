#include "node/quarantine.h"

#include "node/node_config.h"
#include "storage/canonical.h"
#include "storage/ingest.capnp.h"

namespace dancu::node {

Result<nlohmann::json> ListQuarantine(const storage::Store& store) {
  nlohmann::json list = nlohmann::json::array();
  DANCU_RETURN_IF_ERROR(store.ScanQuarantine([&](std::string_view, std::string_view bytes) {
    auto q = storage::Parsed<schema::QuarantinedRun>::Parse(bytes, "quarantined run");
    if (!q.ok()) {
      list.push_back({{"unreadable", q.status().message()}});
      return true;
    }
    auto r = q->get();
    list.push_back({{"origin", NodeIdHex(r.getOrigin())}, {"first_seq", r.getFirstSeq()}, {"last_seq", r.getLastSeq()},
                    {"reason", r.getReason().cStr()}, {"source", r.getSource().cStr()},
                    {"received_at_ms", r.getReceivedAt()}, {"entries", r.getEntries().size()}});
    return true;
  }));
  return list;
}

}  // namespace dancu::node
