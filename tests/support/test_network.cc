#include "tests/support/test_network.h"

#include <catch2/catch.hpp>

#include <deque>

#include "node/certificates.h"
#include "node/files.h"
#include "node/key_file.h"
#include "node/session_host.h"
#include "storage/log_verify.h"

namespace dancu::testing {

namespace {

node::NodeConfig Init(const std::string& path, schema::Role role, const std::string& unit) {
  auto config = node::Node::Init({path, role, unit, std::nullopt, kTestNowMs});
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  return *config;
}

// What `dancu cert issue` and `dancu cert install` do, in process.
void Certify(const std::string& parent, const std::string& child) {
  auto parent_config = node::ReadNodeConfig(node::Node::ConfigPath(parent));
  auto parent_secrets = node::ReadKeyFile(node::Node::KeyPath(parent), std::nullopt);
  auto parent_chain = node::ReadWholeFile(node::Node::ChainPath(parent));
  auto child_config = node::ReadNodeConfig(node::Node::ConfigPath(child));
  REQUIRE((parent_config.ok() && parent_secrets.ok() && parent_chain.ok() && child_config.ok()));
  auto issued = node::IssueCertificate(*parent_config, *parent_secrets, *parent_chain,
                                       node::MakeCertificateRequest(*child_config), kTestNowMs, 1095);
  INFO(issued.status().ToString());
  REQUIRE(issued.ok());
  REQUIRE(node::WriteFileAtomically(node::Node::ChainPath(child), *issued).ok());
  child_config->root_key = parent_config->root_key;
  REQUIRE(node::WriteNodeConfig(node::Node::ConfigPath(child), *child_config).ok());
}

std::unique_ptr<node::Node> Open(const std::string& path, uint64_t ahead_ms = 0) {
  storage::StoreOptions options;
  options.sync = false;  // a test's crash is not a power cut
  if (ahead_ms) options.wall_clock = [ahead_ms] { return storage::HybridClock::SystemMillis() + ahead_ms; };
  auto opened = node::Node::Open(path, node::KeyAccess::kSign, std::nullopt, options);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  return std::move(opened.value());
}

}  // namespace

void RequireVerifies(const node::Node& node) {
  auto report = storage::VerifyStore(node.store(), node.KeyLookup());
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  CHECK(report->state_hash == node.store().state_digest().Digest());
}

size_t QuarantineSize(const node::Node& node) {
  size_t n = 0;
  REQUIRE(node.store().ScanQuarantine([&](std::string_view, std::string_view) { return ++n, true; }).ok());
  return n;
}

storage::IncomingRun OwnRun(const node::Node& node, uint64_t last_seq, const std::string& source) {
  storage::IncomingRun run = RunOf(node.store(), node.config().node_id, 1, last_seq);
  run.source = source;
  return run;
}

nlohmann::json ResidentIn(const std::string& unit, uint32_t serial, const std::string& name) {
  nlohmann::json r = ValidResident(serial, name);
  r["permanent_residence"] = {{"unit", unit}, {"address", "Thôn " + std::to_string(serial % 7 + 1)}};
  r["home_unit"] = unit;
  return r;
}

TestNetwork::TestNetwork(uint64_t commune_a_ahead_ms) {
  Init(dir_.Sub("central"), schema::Role::CENTRAL, "VN");
  Init(dir_.Sub("district"), schema::Role::DISTRICT, "026");
  Init(dir_.Sub("a"), schema::Role::COMMUNE, "00715");
  Init(dir_.Sub("b"), schema::Role::COMMUNE, "00718");
  Init(dir_.Sub("district2"), schema::Role::DISTRICT, "027");
  Init(dir_.Sub("c"), schema::Role::COMMUNE, "00772");
  Certify(dir_.Sub("central"), dir_.Sub("district"));
  Certify(dir_.Sub("district"), dir_.Sub("a"));
  Certify(dir_.Sub("district"), dir_.Sub("b"));
  Certify(dir_.Sub("central"), dir_.Sub("district2"));
  Certify(dir_.Sub("district2"), dir_.Sub("c"));
  central_ = Open(dir_.Sub("central"));
  district_ = Open(dir_.Sub("district"));
  commune_a_ = Open(dir_.Sub("a"), commune_a_ahead_ms);
  commune_b_ = Open(dir_.Sub("b"));
  district2_ = Open(dir_.Sub("district2"));
  commune_c_ = Open(dir_.Sub("c"));
  // A parent knows the children it certified (dancu cert issue does this).
  for (auto [parent, child] : {std::pair{central_.get(), district_.get()}, std::pair{district_.get(), commune_a_.get()},
                               std::pair{district_.get(), commune_b_.get()}, std::pair{central_.get(), district2_.get()},
                               std::pair{district2_.get(), commune_c_.get()}}) {
    REQUIRE(parent->directory().AddChain(*child->OwnChain(), kTestNowMs).ok());
  }
}

std::string TestNetwork::Add(node::Node& node, storage::Draft draft) {
  std::vector<storage::Draft> drafts;
  drafts.push_back(std::move(draft));
  auto outcome = node.Append(drafts);
  REQUIRE(outcome.ok());
  for (const auto& rejected : outcome->rejected) {
    for (const auto& e : rejected.errors) UNSCOPED_INFO(e.field << ": " << e.reason);
  }
  REQUIRE(outcome->accepted.size() == 1);
  return outcome->accepted[0].record_id;
}

int TestNetwork::Sync(node::Node& child, node::Node& parent, const std::function<bool(int)>& cut,
                      int max_sessions, replication::CutOptions cut_options) {
  auto log = [](std::string_view) {};
  node::NodeSessionHost child_host(child, log, [] { return kTestNowMs; });
  node::NodeSessionHost parent_host(parent, log, [] { return kTestNowMs; });
  int frame = 0;
  for (int session = 1; session <= max_sessions; ++session) {
    replication::SessionOptions options;
    options.cut = cut_options;
    options.source = "test";
    replication::Session up(child_host, options), down(parent_host, options);
    // (to, frame): to == 0 for the parent.
    std::deque<std::pair<int, std::string>> wire;
    for (auto& f : up.Start()) wire.emplace_back(0, std::move(f));
    for (auto& f : down.Start()) wire.emplace_back(1, std::move(f));
    bool cut_now = false;
    while (!wire.empty() && !cut_now) {
      auto [to, bytes] = std::move(wire.front());
      wire.pop_front();
      if (cut && cut(frame++)) {
        cut_now = true;
        break;
      }
      replication::Session& receiver = to == 0 ? down : up;
      auto answers = receiver.OnFrame(bytes);
      INFO(answers.status().ToString());
      REQUIRE(answers.ok());
      for (auto& f : *answers) wire.emplace_back(1 - to, std::move(f));
    }
    if (!cut_now) {
      REQUIRE(up.synced());
      REQUIRE(down.synced());
      return session;
    }
  }
  FAIL("not in sync after " << max_sessions << " sessions");
  return max_sessions;
}

}  // namespace dancu::testing
