#include "node/replicator.h"

#include <map>

#include "node/session_host.h"
#include "replication/client.h"
#include "replication/curve.h"
#include "replication/server.h"
#include "storage/hlc.h"

namespace dancu::node {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPoll{20};

uint64_t NowMs() { return storage::HybridClock::SystemMillis(); }
uint64_t SteadyMs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count());
}

std::string KeyHex(const replication::CurveKey& key) {
  return storage::ToHex(std::string_view(reinterpret_cast<const char*>(key.data()), 8));
}

Result<replication::CurveKeyPair> LinkKeys(const Node& node) {
  auto secret = node.curve_secret();
  if (!secret.ok()) return secret.status();
  return replication::CurveKeyPair::FromSecret(*secret);
}

Result<replication::CurveKey> CurveKeyOf(const Node& node, uint64_t peer) {
  auto entry = node.directory().Find(peer);
  if (!entry) return Status::NotFound("no certificate of node " + NodeIdHex(peer) + " is known here");
  return entry->chain.leaf_curve_key;
}

// Sends every frame; false once the link refuses one (the session is then cut).
template <typename SendFn>
bool SendAll(const std::vector<std::string>& frames, SendFn&& send) {
  for (const auto& frame : frames) {
    if (!send(frame).ok()) return false;
  }
  return true;
}

}  // namespace

Result<uint64_t> ParentOf(const Node& node) {
  auto own = node.directory().Find(node.config().node_id);
  if (!own) return Status::FailedPrecondition("this node has no certificate installed (dancu cert install)");
  const auto& lineage = own->chain.lineage;
  if (lineage.size() < 2) return Status::FailedPrecondition("central has no parent");
  return lineage[lineage.size() - 2];
}

// The state of the replication thread.
struct Replicator::Loop {
  std::unique_ptr<NodeSessionHost> host;
  std::unique_ptr<replication::Server> server;
  struct Child {
    std::string routing;
    std::unique_ptr<replication::Session> session;
    size_t status = 0;  // index in links_
  };
  std::map<replication::CurveKey, Child> children;

  std::unique_ptr<replication::Client> client;
  std::unique_ptr<replication::Session> upstream;
  bool was_connected = false;
  uint64_t next_session = 0;  // on options_.steady_ms
  uint64_t next_heartbeat = 0;
  size_t parent_status = 0;
};

Replicator::Replicator(ReplicatorOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<Replicator>> Replicator::Start(Node& node, ReplicatorOptions options) {
  if (!options.log) options.log = [](std::string_view) {};
  if (!options.steady_ms) options.steady_ms = SteadyMs;
  if (!options.wall_ms) options.wall_ms = NowMs;
  std::unique_ptr<Replicator> r(new Replicator(std::move(options)));
  r->loop_ = std::make_unique<Loop>();
  r->loop_->host = std::make_unique<NodeSessionHost>(node, r->options_.log, r->options_.wall_ms);
  auto own_chain = node.OwnChain();
  if (!own_chain.ok()) return own_chain.status();

  replication::LinkOptions link;
  link.heartbeat_interval = r->options_.heartbeat;
  link.log = r->options_.log;
  if (!r->options_.listen.empty()) {
    auto keys = LinkKeys(node);
    if (!keys.ok()) return keys.status();
    link.keys = std::move(keys.value());
    replication::ServerOptions server;
    server.endpoint = r->options_.listen;
    server.link = std::move(link);
    server.admit = [&node](const replication::CurveKey& key) { return node.directory().Admits(key); };
    auto bound = replication::Server::Bind(std::move(server));
    if (!bound.ok()) return bound.status();
    r->loop_->server = std::move(bound.value());
    r->endpoint_ = r->loop_->server->endpoint();
  }
  if (!r->options_.parent.empty()) {
    auto parent = ParentOf(node);
    if (!parent.ok()) return parent.status();
    auto parent_key = CurveKeyOf(node, *parent);
    if (!parent_key.ok()) return parent_key.status();
    auto keys = LinkKeys(node);
    if (!keys.ok()) return keys.status();
    replication::ClientOptions client;
    client.endpoint = r->options_.parent;
    client.server_key = *parent_key;
    client.link.keys = std::move(keys.value());
    client.link.heartbeat_interval = r->options_.heartbeat;
    client.link.log = r->options_.log;
    client.steady_ms = r->options_.steady_ms;
    auto connected = replication::Client::Connect(std::move(client));
    if (!connected.ok()) return connected.status();
    r->loop_->client = std::move(connected.value());
    LinkStatus status;
    status.node_id = *parent;
    status.is_parent = true;
    if (auto entry = node.directory().Find(*parent)) status.unit = entry->chain.leaf_unit;
    r->links_.push_back(status);
  }
  r->thread_ = std::thread([raw = r.get()] { raw->Run(); });
  return r;
}

Replicator::~Replicator() { Stop(); }

void Replicator::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<LinkStatus> Replicator::Links() const {
  std::lock_guard<std::mutex> lock(mu_);
  return links_;
}

void Replicator::Run() {
  Loop& loop = *loop_;
  auto update = [&](size_t index, const std::function<void(LinkStatus&)>& change) {
    std::lock_guard<std::mutex> lock(mu_);
    change(links_[index]);
  };
  // Feeds one message to a session; false when the session must end.
  auto feed = [&](replication::Session& session, const replication::Inbound& in, size_t status,
                  const std::function<Status(std::string_view)>& send) {
    const uint64_t refused_before = session.stats().segments_refused;
    const uint64_t applied_before = session.stats().changes_applied;
    auto frames = session.OnMessage(in.message.get(), in.frame_bytes);
    const bool synced = session.synced();
    update(status, [&](LinkStatus& s) {
      s.last_seen_ms = options_.wall_ms();
      s.changes_received += session.stats().changes_applied - applied_before;
      s.refused += session.stats().segments_refused - refused_before;
      if (!frames.ok()) s.last_error = frames.status().ToString();
      if (synced) s.last_synced_ms = options_.wall_ms();
      if (session.peer()) s.node_id = session.peer()->node_id, s.unit = session.peer()->unit;
    });
    if (!frames.ok()) {
      options_.log("session ended: " + frames.status().ToString());
      (void)SendAll(session.TakeFarewell(), send);  // the peer hears why; the link drops anyway
      return false;
    }
    return SendAll(*frames, send);
  };

  while (!stop_) {
    if (loop.server) {
      auto inbound = loop.server->Poll(loop.client ? kPoll / 2 : kPoll);
      if (!inbound.ok()) options_.log("listening: " + inbound.status().ToString());
      std::vector<replication::Inbound> none;
      for (auto& in : inbound.ok() ? *inbound : none) {
        auto [it, added] = loop.children.try_emplace(in.peer_key);
        Loop::Child& child = it->second;
        if (added) {
          std::lock_guard<std::mutex> lock(mu_);
          child.status = links_.size();
          links_.push_back(LinkStatus{});
        }
        child.routing = in.peer;
        auto send = [&](std::string_view frame) { return loop.server->Send(child.routing, frame); };
        if (in.message.get().isHello()) {
          replication::SessionOptions session_options;
          session_options.link_key = in.peer_key;
          session_options.source = "link from key " + KeyHex(in.peer_key);
          child.session = std::make_unique<replication::Session>(*loop.host, std::move(session_options));
          update(child.status, [](LinkStatus& s) { ++s.sessions; });
          if (!SendAll(child.session->Start(), send)) continue;
        }
        if (!child.session) continue;  // a heartbeat or a stale message between sessions
        if (!feed(*child.session, in, child.status, send)) child.session.reset();
      }
    }
    if (loop.client) {
      auto inbound = loop.client->Poll(loop.server ? kPoll / 2 : kPoll);
      if (!inbound.ok()) options_.log("link to parent: " + inbound.status().ToString());
      auto send = [&](std::string_view frame) { return loop.client->Send(frame); };
      std::vector<replication::Inbound> none;
      for (auto& in : inbound.ok() ? *inbound : none) {
        if (loop.upstream && !feed(*loop.upstream, in, loop.parent_status, send)) loop.upstream.reset();
      }
      const uint64_t now = options_.steady_ms();
      const bool connected = loop.client->connected();
      if (!connected && loop.was_connected) {
        loop.upstream.reset();  // what was in flight is lost; the next session resumes
        update(loop.parent_status, [](LinkStatus& s) { s.last_error = "link down"; });
      }
      loop.was_connected = connected;
      if (!connected) {
        // Never reached, or down for long: said on the link (the console's sync screen).
        if (Status health = loop.client->health(); !health.ok()) {
          update(loop.parent_status, [&](LinkStatus& s) { s.last_error = health.message(); });
        }
      }
      if (connected) {
        if (loop.upstream && loop.upstream->synced()) {
          loop.upstream.reset();
          loop.next_session = now + static_cast<uint64_t>(options_.interval.count());
        }
        if (!loop.upstream && now >= loop.next_session) {
          replication::SessionOptions session_options;
          session_options.source = "link to parent " + options_.parent;
          loop.upstream = std::make_unique<replication::Session>(*loop.host, std::move(session_options));
          update(loop.parent_status, [](LinkStatus& s) { ++s.sessions; });
          if (!SendAll(loop.upstream->Start(), send)) loop.upstream.reset();
          loop.next_heartbeat = now + static_cast<uint64_t>(options_.heartbeat.count());
        }
        if (now >= loop.next_heartbeat) {
          (void)send(replication::EncodeHeartbeat());
          loop.next_heartbeat = now + static_cast<uint64_t>(options_.heartbeat.count());
        }
      }
    }
    if (!loop.server && !loop.client) std::this_thread::sleep_for(kPoll);
  }
}

Result<SyncReport> SyncOnce(Node& node, const std::string& endpoint, uint64_t peer_node,
                            std::chrono::milliseconds timeout, const std::function<void(std::string_view)>& log) {
  const auto start = Clock::now();
  if (peer_node == 0) {
    auto parent = ParentOf(node);
    if (!parent.ok()) return parent.status();
    peer_node = *parent;
  }
  auto peer_key = CurveKeyOf(node, peer_node);
  if (!peer_key.ok()) return peer_key.status();
  auto keys = LinkKeys(node);
  if (!keys.ok()) return keys.status();
  replication::ClientOptions options;
  options.endpoint = endpoint;
  options.server_key = *peer_key;
  options.link.keys = std::move(keys.value());
  options.link.log = log;
  options.unreachable_after = std::min(timeout, std::chrono::milliseconds(10000));
  auto client = replication::Client::Connect(std::move(options));
  if (!client.ok()) return client.status();

  NodeSessionHost host(node, log, NowMs);
  std::unique_ptr<replication::Session> session;
  while (Clock::now() - start < timeout) {
    auto inbound = (*client)->Poll(kPoll);
    if (!inbound.ok()) return inbound.status();
    if (!(*client)->connected()) {
      session.reset();  // cut: the next connection starts a new session from the vectors
      Status health = (*client)->health();
      if (health.code() == Status::Code::kPermissionDenied) return health;
      continue;
    }
    auto send = [&](std::string_view frame) { return (*client)->Send(frame); };
    if (!session) {
      replication::SessionOptions session_options;
      session_options.source = "sync with " + endpoint;
      session = std::make_unique<replication::Session>(host, std::move(session_options));
      if (!SendAll(session->Start(), send)) session.reset();
      continue;
    }
    for (auto& in : *inbound) {
      auto frames = session->OnMessage(in.message.get(), in.frame_bytes);
      if (!frames.ok()) {
        // Refused, or a disk failed (the peer's, which it reported, or ours): reconnecting at once
        // would meet the same; the officer is told why and syncs again later.
        const Status::Code code = frames.status().code();
        (void)SendAll(session->TakeFarewell(), send);
        if (code == Status::Code::kPermissionDenied || code == Status::Code::kIOError) return frames.status();
        log("session ended: " + frames.status().ToString());
        session.reset();
        break;
      }
      if (!SendAll(*frames, send)) {
        session.reset();
        break;
      }
    }
    if (session && session->synced()) {
      SyncReport report;
      report.stats = session->stats();
      report.peer_node_id = peer_node;
      report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      return report;
    }
  }
  return Status::IOError("not in sync with " + endpoint + " after " + std::to_string(timeout.count() / 1000) +
                         " s (link down or too slow); what was acknowledged is kept, run sync again");
}

}  // namespace dancu::node
