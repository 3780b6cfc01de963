// dancu sync, dancu quarantine list, dancu conflicts list|resolve, dancu cert revoke.
#include <iostream>

#include "node/conflicts.h"
#include "node/role.h"
#include "node/directory.h"
#include "node/files.h"
#include "node/leases.h"
#include "node/quarantine.h"
#include "node/replicator.h"
#include "storage/conflict_key.h"
#include "storage/store_layout.h"
#include "tools/dancu/cli.h"

namespace dancu::tools {

namespace {

using nlohmann::json;

std::string Hex(uint64_t id) { return node::NodeIdHex(id); }

void AddSync(CLI::App& app, Runner& runner) {
  struct Options {
    NodeOptions node;
    std::string peer;
    std::string peer_node;
    int timeout_s = 300;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("sync", "exchange changes with a peer once, until both hold the same for the link's scope");
  cmd->add_option("--data", opts->node.data_dir, "the node's data directory")->required();
  cmd->add_option("--peer", opts->peer, "the peer's replication address, tcp://ADDR:PORT")->required();
  cmd->add_option("--peer-node", opts->peer_node, "the peer's node id (default: this node's parent)");
  cmd->add_option("--timeout", opts->timeout_s, "give up after this many seconds (default 300)");
  cmd->add_option("--passphrase-file", opts->node.passphrase_file, "file holding the node key's passphrase");
  cmd->add_flag("--json", opts->node.json, "machine-readable output");
  cmd->callback([opts, &runner] {
    uint64_t peer = 0;
    if (!opts->peer_node.empty()) {
      auto parsed = node::ParseNodeIdHex(opts->peer_node);
      if (!parsed.ok()) return runner.Fail(parsed.status(), opts->node.json);
      peer = *parsed;
    }
    auto passphrase = ReadSecret(opts->node.passphrase_file, "DANCU_PASSPHRASE");
    if (!passphrase.ok()) return runner.Fail(passphrase.status(), opts->node.json);
    auto node = node::Node::Open(opts->node.data_dir, node::KeyAccess::kSign, *passphrase);
    if (!node.ok()) return runner.Fail(node.status(), opts->node.json);
    auto report = node::SyncOnce(**node, opts->peer, peer, std::chrono::seconds(opts->timeout_s),
                                 [](std::string_view line) { std::cerr << "dancu sync: " << line << "\n"; });
    if (!report.ok()) return runner.Fail(report.status(), opts->node.json);
    const auto& s = report->stats;
    if (opts->node.json) {
      PrintJson({{"synced", true}, {"peer", Hex(report->peer_node_id)}, {"segments_sent", s.segments_sent},
                 {"segments_received", s.segments_received}, {"changes_applied", s.changes_applied},
                 {"refused", s.segments_refused}, {"conflicts", s.conflicts}, {"bytes_sent", s.bytes_sent},
                 {"bytes_received", s.bytes_received}, {"seconds", std::chrono::duration<double>(report->elapsed).count()}});
    } else {
      std::cout << "in sync with " << Hex(report->peer_node_id) << ": sent " << s.segments_sent << " segments, applied "
                << s.changes_applied << " changes from " << s.segments_received << " segments, " << s.segments_refused
                << " refused, " << s.conflicts << " conflicts; " << s.bytes_sent << " B out, " << s.bytes_received
                << " B in\n";
    }
  });
}

void AddQuarantine(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("quarantine", "changes refused on arrival, kept for audit");
  group->require_subcommand(1);
  auto opts = std::make_shared<NodeOptions>();
  auto* cmd = group->add_subcommand("list", "list the refused runs of changes with the reason");
  opts->AddTo(cmd, false);
  cmd->callback([opts, &runner] {
    auto node = OpenForReading(*opts);
    if (!node.ok()) return runner.Fail(node.status(), opts->json);
    auto listed = node::ListQuarantine((*node)->store());
    if (!listed.ok()) return runner.Fail(listed.status(), opts->json);
    const json& list = *listed;
    if (opts->json) return PrintJson({{"quarantine", list}});
    if (list.empty()) std::cout << "quarantine is empty\n";
    for (const auto& q : list) {
      if (q.contains("unreadable")) {
        std::cout << "(unreadable entry: " << q["unreadable"].get<std::string>() << ")\n";
        continue;
      }
      std::cout << "origin " << q["origin"].get<std::string>() << " seq " << q["first_seq"] << ".." << q["last_seq"]
                << " from " << q["source"].get<std::string>() << ": " << q["reason"].get<std::string>() << "\n";
    }
  });
}

void AddConflicts(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("conflicts", "concurrent edits and duplicate cases");
  group->require_subcommand(1);

  struct ListOptions {
    NodeOptions node;
    bool all = false;
  };
  auto list_opts = std::make_shared<ListOptions>();
  auto* list_cmd = group->add_subcommand("list", "the review queue: open conflicts an operator must decide");
  list_opts->node.AddTo(list_cmd, false);
  list_cmd->add_flag("--all", list_opts->all, "also those settled automatically or already resolved");
  list_cmd->callback([list_opts, &runner] {
    auto node = OpenForReading(list_opts->node);
    if (!node.ok()) return runner.Fail(node.status(), list_opts->node.json);
    auto listed = node::ListConflicts((*node)->store(), list_opts->all);
    if (!listed.ok()) return runner.Fail(listed.status(), list_opts->node.json);
    const json& list = *listed;
    if (list_opts->node.json) return PrintJson({{"conflicts", list}});
    if (list.empty()) std::cout << "no conflicts to review\n";
    for (const auto& c : list) {
      std::cout << c["id"].get<std::string>() << "  record " << c["record"].get<std::string>() << "  "
                << c["kind"].get<std::string>();
      if (c.contains("field")) {
        std::cout << " of " << c["field"].get<std::string>() << ": kept " << c["kept"].get<std::string>()
                  << ", other " << c["other"].get<std::string>();
      } else if (c.contains("card")) {  // a card case: the fields the card read found differing
        std::cout << " by " << c["card"].value("officer", "?") << ":";
        for (const auto& d : c["card"].value("differences", json::array())) {
          std::cout << " " << d.value("field", "?");
        }
      } else {
        std::cout << " with record " << c["other_record"].get<std::string>();
      }
      std::cout << (c["open"].get<bool>() ? "" : "  (resolved)") << "\n";
    }
  });

  struct ResolveOptions {
    NodeOptions node;
    std::string id;
    std::string keep;
  };
  auto opts = std::make_shared<ResolveOptions>();
  auto* cmd = group->add_subcommand("resolve", "decide a conflict: write the change that settles it everywhere");
  opts->node.AddTo(cmd, true);
  cmd->add_option("id", opts->id, "the conflict's id (dancu conflicts list)")->required();
  cmd->add_option("--keep", opts->keep,
                  "concurrent edit: kept or other (whose value stays); duplicate citizen number or person: the record "
                  "id that survives (the other is merged into it); duplicate person: distinct (two people); card "
                  "case: closed")
      ->required();
  cmd->callback([opts, &runner] {
    auto session = OpenForWriting(opts->node);
    if (!session.ok()) return runner.Fail(session.status(), opts->node.json);
    auto draft = node::ResolvingDraft(session->node->store(), opts->id, opts->keep, {session->officer, session->role},
                                      node::IsHub(session->node->config().role));
    if (!draft.ok()) return runner.Fail(draft.status(), opts->node.json);
    std::vector<storage::Draft> drafts;
    drafts.push_back(std::move(draft.value()));
    auto outcome = session->node->Append(drafts);
    if (!outcome.ok()) return runner.Fail(outcome.status(), opts->node.json);
    if (!outcome->rejected.empty()) {
      runner.Set(kExitRejected);
      const auto& errors = outcome->rejected.front().errors;
      if (opts->node.json) return PrintJson({{"resolved", false}, {"errors", ErrorsJson(errors)}});
      std::cerr << "dancu: the resolving change was refused: " << ErrorsText(errors) << "\n";
      return;
    }
    const auto& accepted = outcome->accepted.front();
    if (opts->node.json) {
      PrintJson({{"resolved", opts->id}, {"record", accepted.record_id}, {"seq", accepted.seq}});
    } else {
      std::cout << "resolved " << opts->id << " by change " << accepted.seq << " on record " << accepted.record_id
                << "; it replicates with the next sync\n";
    }
  });
}

void AddRevoke(CLI::App& app, Runner& runner) {
  struct Options {
    NodeOptions node;
    std::string node_id;
    uint64_t after_seq = 0;
  };
  auto opts = std::make_shared<Options>();
  auto* cert = app.get_subcommand("cert");
  auto* cmd = cert->add_subcommand("revoke", "central: revoke a node's key (a stolen laptop); replicates everywhere");
  cmd->add_option("--data", opts->node.data_dir, "central's data directory")->required();
  cmd->add_option("--node", opts->node_id, "the node id to revoke")->required();
  cmd->add_option("--after-seq", opts->after_seq, "the last seq of its log that stays trusted")->required();
  cmd->add_option("--passphrase-file", opts->node.passphrase_file, "file holding the node key's passphrase");
  cmd->add_flag("--json", opts->node.json, "machine-readable output");
  cmd->callback([opts, &runner] {
    auto id = node::ParseNodeIdHex(opts->node_id);
    if (!id.ok()) return runner.Fail(id.status(), opts->node.json);
    auto passphrase = ReadSecret(opts->node.passphrase_file, "DANCU_PASSPHRASE");
    if (!passphrase.ok()) return runner.Fail(passphrase.status(), opts->node.json);
    auto node = node::Node::Open(opts->node.data_dir, node::KeyAccess::kSign, *passphrase);
    if (!node.ok()) return runner.Fail(node.status(), opts->node.json);
    if ((*node)->config().role != schema::Role::CENTRAL) {
      return runner.Fail(Status::PermissionDenied("only central, which holds the root key, revokes"), opts->node.json);
    }
    auto key = (*node)->signing_key();
    if (!key.ok()) return runner.Fail(key.status(), opts->node.json);
    std::string revocation = node::MakeRevocation(**key, *id, opts->after_seq, storage::HybridClock::SystemMillis());
    auto added = (*node)->directory().AddRevocation(revocation);
    if (!added.ok()) return runner.Fail(added.status(), opts->node.json);
    if (opts->node.json) return PrintJson({{"revoked", opts->node_id}, {"after_seq", opts->after_seq}});
    std::cout << "revoked node " << opts->node_id << " after its seq " << opts->after_seq
              << "; the revocation replicates with every sync\n";
  });
}

void AddLeases(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("lease", "blocks of citizen-number serials for newborns, leased down the tree");
  group->require_subcommand(1);

  auto list_opts = std::make_shared<NodeOptions>();
  auto* list_cmd = group->add_subcommand("list", "the blocks this node holds and how much of each is used");
  list_opts->AddTo(list_cmd, false);
  list_cmd->callback([list_opts, &runner] {
    auto node = OpenForReading(*list_opts);
    if (!node.ok()) return runner.Fail(node.status(), list_opts->json);
    auto held = node::HeldLeases(**node);
    if (!held.ok()) return runner.Fail(held.status(), list_opts->json);
    json list = json::array();
    for (const auto& l : *held) {
      list.push_back({{"province", l.province}, {"first", l.first}, {"count", l.count}, {"used", l.used},
                      {"lessor", Hex(l.lessor)}});
    }
    if (list_opts->json) return PrintJson({{"leases", list}});
    if (list.empty()) std::cout << "no leases held; a sync with the parent asks for a block\n";
    for (const auto& l : *held) {
      std::cout << "province " << l.province << " serials " << l.first << ".." << l.first + l.count - 1 << ": "
                << l.used << " of " << l.count << " used (from " << Hex(l.lessor) << ")\n";
    }
  });

  struct GrantOptions {
    NodeOptions node;
    std::string lessee, province, out;
    uint32_t count = 0;
  };
  auto grant = std::make_shared<GrantOptions>();
  auto* grant_cmd = group->add_subcommand("grant", "lease a block to a child by file (where no link reaches it)");
  grant_cmd->add_option("--data", grant->node.data_dir, "the lessor's data directory")->required();
  grant_cmd->add_option("--node", grant->lessee, "the child's node id")->required();
  grant_cmd->add_option("--province", grant->province, "citizen-number province code, e.g. 002")->required();
  grant_cmd->add_option("--count", grant->count, "how many serials")->required();
  grant_cmd->add_option("--out", grant->out, "lease file to write")->required();
  grant_cmd->add_option("--passphrase-file", grant->node.passphrase_file, "file holding the node key's passphrase");
  grant_cmd->callback([grant, &runner] {
    auto lessee = node::ParseNodeIdHex(grant->lessee);
    if (!lessee.ok()) return runner.Fail(lessee.status(), false);
    auto passphrase = ReadSecret(grant->node.passphrase_file, "DANCU_PASSPHRASE");
    if (!passphrase.ok()) return runner.Fail(passphrase.status(), false);
    auto node = node::Node::Open(grant->node.data_dir, node::KeyAccess::kSign, *passphrase);
    if (!node.ok()) return runner.Fail(node.status(), false);
    auto lease = node::GrantLease(**node, *lessee, grant->province, grant->count, storage::HybridClock::SystemMillis());
    if (!lease.ok()) return runner.Fail(lease.status(), false);
    Status written = node::WriteFileAtomically(grant->out, *lease);
    if (!written.ok()) return runner.Fail(written, false);
    std::cout << "wrote a lease of " << grant->count << " serials for " << grant->lessee << " to " << grant->out << "\n";
  });

  struct AcceptOptions {
    NodeOptions node;
    std::string file;
  };
  auto accept = std::make_shared<AcceptOptions>();
  auto* accept_cmd = group->add_subcommand("accept", "verify and keep a lease file granted to this node");
  accept->node.AddTo(accept_cmd, false);
  accept_cmd->add_option("file", accept->file, "the lease file")->required();
  accept_cmd->callback([accept, &runner] {
    auto node = node::Node::Open(accept->node.data_dir, node::KeyAccess::kNone, std::nullopt);
    if (!node.ok()) return runner.Fail(node.status(), accept->node.json);
    auto bytes = node::ReadWholeFile(accept->file);
    if (!bytes.ok()) return runner.Fail(bytes.status(), accept->node.json);
    auto info = node::VerifyLease(**node, *bytes);
    if (!info.ok()) return runner.Fail(info.status(), accept->node.json);
    if (info->lessee != (*node)->config().node_id) {
      return runner.Fail(Status::InvalidArgument("the lease is for node " + Hex(info->lessee) + ", this is " +
                                                 Hex((*node)->config().node_id)),
                         accept->node.json);
    }
    Status kept = node::AcceptLease(**node, *bytes);
    if (!kept.ok()) return runner.Fail(kept, accept->node.json);
    std::cout << "accepted serials " << info->first << ".." << info->first + info->count - 1 << " of province "
              << info->province << "\n";
  });
}

}  // namespace

void AddReplicationCommands(CLI::App& app, Runner& runner) {
  AddLeases(app, runner);
  AddSync(app, runner);
  AddQuarantine(app, runner);
  AddConflicts(app, runner);
  AddRevoke(app, runner);
}

}  // namespace dancu::tools
