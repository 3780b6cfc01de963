// dancu bundle export|import: replication by USB stick (replication/bundle.h, node/bundles.h).
#include <filesystem>
#include <iostream>

#include "node/bundles.h"
#include "node/files.h"
#include "storage/hlc.h"
#include "tools/dancu/cli.h"

namespace dancu::tools {

namespace {

using nlohmann::json;

void Log(std::string_view line) { std::cerr << "dancu bundle: " << line << "\n"; }

void AddExport(CLI::App& group, Runner& runner) {
  struct Options {
    NodeOptions node;
    std::string for_node;
    std::string out;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = group.add_subcommand("export", "write the changes a node lacks to a signed bundle file");
  cmd->add_option("--data", opts->node.data_dir, "the node's data directory")->required();
  cmd->add_option("--for", opts->for_node, "the node id the bundle is for (known to this node's directory)")->required();
  cmd->add_option("--out", opts->out, "the bundle file to write")->required();
  cmd->add_option("--passphrase-file", opts->node.passphrase_file, "file holding the node key's passphrase");
  cmd->add_flag("--json", opts->node.json, "machine-readable output");
  cmd->callback([opts, &runner] {
    auto recipient = node::ParseNodeIdHex(opts->for_node);
    if (!recipient.ok()) return runner.Fail(recipient.status(), opts->node.json);
    auto passphrase = ReadSecret(opts->node.passphrase_file, "DANCU_PASSPHRASE");
    if (!passphrase.ok()) return runner.Fail(passphrase.status(), opts->node.json);
    auto node = node::Node::Open(opts->node.data_dir, node::KeyAccess::kSign, *passphrase);
    if (!node.ok()) return runner.Fail(node.status(), opts->node.json);
    auto exported = node::ExportBundle(**node, *recipient, storage::HybridClock::SystemMillis(), Log);
    if (!exported.ok()) return runner.Fail(exported.status(), opts->node.json);
    Status written = node::WriteFileAtomically(opts->out, exported->built.bytes);
    if (!written.ok()) return runner.Fail(written, opts->node.json);
    const auto& b = exported->built;
    if (opts->node.json) {
      return PrintJson({{"bundle", opts->out}, {"for", opts->for_node}, {"segments", b.segments},
                        {"changes", b.changes}, {"origins", b.origins}, {"bytes", b.bytes.size()},
                        {"complete", b.complete}});
    }
    std::cout << "wrote " << opts->out << " for node " << opts->for_node << ": " << b.segments << " segments ("
              << b.changes << " changes) of " << b.origins << " origins, " << b.bytes.size() << " bytes\n";
    if (b.segments == 0) std::cout << "nothing new for that node: the bundle carries only this node's vector\n";
    if (!b.complete) std::cout << "the rest did not fit: export again once this bundle's receipt comes back\n";
  });
}

void AddImport(CLI::App& group, Runner& runner) {
  struct Options {
    NodeOptions node;
    std::string file;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = group.add_subcommand("import", "verify a bundle and apply its changes through the same ingest as a sync");
  opts->node.AddTo(cmd, false);
  cmd->add_option("file", opts->file, "the bundle file")->required();
  cmd->add_option("--passphrase-file", opts->node.passphrase_file, "file holding the node key's passphrase");
  cmd->callback([opts, &runner] {
    std::error_code ec;
    const auto size = std::filesystem::file_size(opts->file, ec);
    if (ec) return runner.Fail(Status::NotFound(opts->file + ": " + ec.message()), opts->node.json);
    if (size > replication::kMaxBundleBytes) {
      return runner.Fail(Status::InvalidArgument(opts->file + ": " + std::to_string(size) +
                                                 " bytes, more than a bundle may take"),
                         opts->node.json);
    }
    auto bytes = node::ReadWholeFile(opts->file);
    if (!bytes.ok()) return runner.Fail(bytes.status(), opts->node.json);
    // With the node's key: a node recovering its own log authors its work set aside again once its
    // entries are back (docs/log-format.md "Lost writes").
    auto passphrase = ReadSecret(opts->node.passphrase_file, "DANCU_PASSPHRASE");
    if (!passphrase.ok()) return runner.Fail(passphrase.status(), opts->node.json);
    auto node = node::Node::Open(opts->node.data_dir, node::KeyAccess::kSign, *passphrase);
    if (!node.ok()) return runner.Fail(node.status(), opts->node.json);
    auto report = node::ImportBundle(**node, *bytes, "bundle " + std::filesystem::path(opts->file).filename().string(),
                                     storage::HybridClock::SystemMillis(), Log);
    if (!report.ok()) return runner.Fail(report.status(), opts->node.json);
    const auto& r = *report;
    if (r.refused > 0) runner.Set(kExitRejected);
    if (opts->node.json) {
      return PrintJson({{"from", node::NodeIdHex(r.sender)}, {"segments", r.segments}, {"applied", r.applied},
                        {"duplicates", r.duplicates}, {"refused", r.refused}, {"waiting", r.waiting},
                        {"changes", r.changes}, {"conflicts", r.conflicts}, {"refusals", r.refusals}});
    }
    for (const auto& refusal : r.refusals) std::cout << "refused (quarantined): " << refusal << "\n";
    if (r.applied == 0 && r.refused == 0 && r.waiting == 0) {
      std::cout << "nothing new from " << node::NodeIdHex(r.sender) << " (" << r.duplicates
                << " segments held already)\n";
      return;
    }
    std::cout << "bundle from " << node::NodeIdHex(r.sender) << ": " << r.applied << " segments applied (" << r.changes
              << " changes, " << r.conflicts << " conflicts), " << r.duplicates << " duplicates, " << r.refused
              << " refused (quarantined), " << r.waiting << " waiting\n";
    if (r.waiting > 0) {
      std::cout << r.waiting << " segments wait for changes this node lacks; they apply from a later bundle or sync\n";
    }
  });
}

}  // namespace

void AddBundleCommands(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("bundle", "replication by USB stick: signed files of changes");
  group->require_subcommand(1);
  AddExport(*group, runner);
  AddImport(*group, runner);
}

}  // namespace dancu::tools
