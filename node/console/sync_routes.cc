// The sync screen: GET /api/sync/status (the parent, children and peers: last contact, sessions,
// errors, and the changes each still lacks, node/peer_status.h) and POST /api/bundles
// {"for": NODE_ID} (a signed bundle for that node, node/bundles.h, answered as a download: what
// `dancu bundle export` writes).
#include <iostream>

#include "node/bundles.h"
#include "node/console/console_context.h"
#include "node/console/http_json.h"
#include "node/console/resident_view.h"
#include "node/peer_status.h"
#include "node/role.h"
#include "storage/hlc.h"

namespace dancu::console {

namespace {

using nlohmann::json;

json LinkJson(const node::LinkStatus& link) {
  return {{"last_seen_ms", link.last_seen_ms},       {"last_synced_ms", link.last_synced_ms},
          {"sessions", link.sessions},               {"changes_received", link.changes_received},
          {"refused", link.refused},                 {"last_error", link.last_error}};
}

json PeerJson(const node::PeerStatus& peer) {
  json out = {{"node", node::NodeIdHex(peer.node_id)},
              {"is_parent", peer.is_parent},
              {"role", peer.role ? json(node::RoleName(*peer.role)) : json(nullptr)},
              {"unit", peer.unit},
              {"unit_name", peer.unit.empty() ? "" : UnitName(peer.unit)},
              {"link", peer.link ? LinkJson(*peer.link) : json(nullptr)},
              {"vector_known", peer.vector_known},
              {"backlog", {{"changes", peer.backlog_changes}, {"origins", peer.backlog_origins}}}};
  if (!peer.backlog_error.empty()) out["backlog"]["error"] = peer.backlog_error;
  return out;
}

void SyncStatus(ConsoleContext& ctx, httplib::Response& res) {
  const uint64_t now = storage::HybridClock::SystemMillis();
  const std::vector<node::LinkStatus> links = ctx.links();
  auto peers = node::PeerStatuses(ctx.node, links, now);
  if (!peers.ok()) return SendStatus(res, peers.status());
  json list = json::array();
  json waiting_up = nullptr;
  for (const auto& peer : *peers) {
    json p = PeerJson(peer);
    if (peer.is_parent) waiting_up = p["backlog"];
    list.push_back(std::move(p));
  }
  uint64_t held = 0;
  for (const auto& [origin, seq] : ctx.node.store().version_vector()) held += seq;
  SendJson(res, 200, {{"now_ms", now},
                      {"replicating", !links.empty()},
                      {"changes_held", held},
                      {"waiting_up", waiting_up},
                      {"peers", list}});
}

void Bundle(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res, const Session& session) {
  auto body = ParseJsonBody(req, res);
  if (!body) return;
  auto recipient_hex = RequireString(*body, "for", res);
  if (!recipient_hex) return;
  auto recipient = node::ParseNodeIdHex(*recipient_hex);
  if (!recipient.ok()) return SendError(res, 400, "bad_field", "for: " + recipient.status().message());
  auto exported = node::ExportBundle(ctx.node, *recipient, storage::HybridClock::SystemMillis(), [](std::string_view line) {
    std::cerr << "dancu serve: bundle: " << line << std::endl;
  });
  if (!exported.ok()) return SendStatus(res, exported.status());
  const auto& built = exported->built;
  std::cerr << "dancu serve: " << session.officer << " exported a bundle for " << *recipient_hex << ": "
            << built.segments << " segments, " << built.changes << " changes, " << built.bytes.size() << " B"
            << std::endl;
  res.status = 200;
  res.set_header("Content-Disposition", "attachment; filename=\"dancu-" + node::NodeIdHex(ctx.node.config().node_id) +
                                            "-for-" + *recipient_hex + ".bundle\"");
  res.set_header("X-Dancu-Segments", std::to_string(built.segments));
  res.set_header("X-Dancu-Changes", std::to_string(built.changes));
  res.set_header("X-Dancu-Complete", built.complete ? "true" : "false");
  res.set_content(built.bytes, "application/octet-stream");
}

}  // namespace

void AddSyncRoutes(httplib::Server& server, ConsoleContext& ctx) {
  server.Get("/api/sync/status", Authed(ctx, Changes::kNothing,
                                        [&ctx](const httplib::Request&, httplib::Response& res, const Session&) {
                                          SyncStatus(ctx, res);
                                        }));
  // A bundle changes no state, but it carries the node's data: a state change's protections
  // (CSRF token, same origin) keep another site from making the browser fetch one.
  server.Post("/api/bundles", Authed(ctx, Changes::kState,
                                     [&ctx](const httplib::Request& req, httplib::Response& res,
                                            const Session& session) { Bundle(ctx, req, res, session); }));
}

}  // namespace dancu::console
