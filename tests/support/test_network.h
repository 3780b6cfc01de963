// Test support: a certified tree of real nodes (RocksDB on disk, real keys and certificates) —
// central, district 026 (Đồng Văn) and its communes 00715 (Lũng Cú) and 00718 (Má Lé), district
// 027 (Mèo Vạc) and its commune 00772 (Thượng Phùng) — and
// replication sessions between them over in-memory frames, with cuts injected at chosen frames.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "node/node.h"
#include "replication/session.h"
#include "tests/support/test_node.h"

namespace dancu::testing {

class TestNetwork {
 public:
  // `commune_a_ahead_ms`: how far commune A's wall clock runs ahead of the real one (a laptop
  // with a wrong date).
  explicit TestNetwork(uint64_t commune_a_ahead_ms = 0);
  node::Node& central() { return *central_; }
  node::Node& district() { return *district_; }
  node::Node& commune_a() { return *commune_a_; }  // 00715
  node::Node& commune_b() { return *commune_b_; }  // 00718
  node::Node& district2() { return *district2_; }  // 027
  node::Node& commune_c() { return *commune_c_; }  // 00772, in district 027

  // Runs sessions between `child` and `parent` until both are synced. `cut(n)` is asked before
  // the n-th frame crosses (n counts over the whole call); true loses that frame and cuts the
  // connection: both sessions end, and new ones start. Returns how many sessions it took;
  // REQUIREs success within `max_sessions`.
  int Sync(node::Node& child, node::Node& parent, const std::function<bool(int)>& cut = nullptr,
           int max_sessions = 200, replication::CutOptions cut_options = {});

  // Appends one draft as `node`'s officer and REQUIREs it accepted; the record id.
  static std::string Add(node::Node& node, storage::Draft draft);

 private:
  TempDir dir_;
  std::unique_ptr<node::Node> central_, district_, commune_a_, commune_b_, district2_, commune_c_;
};

// Replays `node`'s log with storage::VerifyStore and REQUIREs it to pass and to match its digest.
void RequireVerifies(const node::Node& node);
// The run of `node`'s own log from seq 1 to `last_seq`, with its checkpoint there (REQUIREs one).
storage::IncomingRun OwnRun(const node::Node& node, uint64_t last_seq, const std::string& source);
// How many runs `node` holds in quarantine.
size_t QuarantineSize(const node::Node& node);

// A valid resident homed in `unit` (a commune of district 026).
nlohmann::json ResidentIn(const std::string& unit, uint32_t serial, const std::string& name = "Vàng Seo Páo");

}  // namespace dancu::testing
