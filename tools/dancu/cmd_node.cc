// dancu init, dancu officer add|set-role|remove|list, dancu cert request|issue|install.
#include <iostream>

#include "node/certificates.h"
#include "node/files.h"
#include "node/officers.h"
#include "node/role.h"
#include "storage/officer_role.h"
#include "storage/hlc.h"
#include "tools/dancu/cli.h"

namespace dancu::tools {

namespace {

void AddInit(CLI::App& app, Runner& runner) {
  struct Options {
    NodeOptions node;
    std::string role, unit;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("init", "create a node: keys, data directory, empty store");
  cmd->add_option("--data", opts->node.data_dir, "data directory to create")->required();
  cmd->add_option("--role", opts->role, "commune, district, province or central")->required();
  cmd->add_option("--unit", opts->unit, "GSO code of the unit the node serves (VN for central)")->required();
  cmd->add_option("--passphrase-file", opts->node.passphrase_file,
                  "seal the node key with this file's passphrase (else $DANCU_PASSPHRASE, if set)");
  cmd->add_flag("--json", opts->node.json, "machine-readable output");
  cmd->callback([opts, &runner] {
    auto role = node::ParseRole(opts->role);
    if (!role) return runner.Fail(Status::InvalidArgument("unknown role " + opts->role), opts->node.json);
    auto passphrase = ReadSecret(opts->node.passphrase_file, "DANCU_PASSPHRASE");
    if (!passphrase.ok()) return runner.Fail(passphrase.status(), opts->node.json);
    node::InitOptions init{opts->node.data_dir, *role, opts->unit, *passphrase,
                           storage::HybridClock::SystemMillis()};
    auto config = node::Node::Init(init);
    if (!config.ok()) return runner.Fail(config.status(), opts->node.json);
    if (opts->node.json) {
      PrintJson({{"node_id", node::NodeIdHex(config->node_id)}, {"role", opts->role},
                 {"unit", opts->unit}, {"sealed", passphrase->has_value()}});
    } else {
      std::cout << "created " << opts->role << " node " << node::NodeIdHex(config->node_id)
                << " for unit " << opts->unit << " in " << opts->node.data_dir << "\n";
    }
  });
}

void AddOfficerCommands(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("officer", "officer accounts of this node");
  group->require_subcommand(1);

  struct AddOptions {
    NodeOptions node;
    std::string name;
    std::string role = "clerk";
  };
  auto add = std::make_shared<AddOptions>();
  auto* add_cmd = group->add_subcommand("add", "add an officer (password from --password-file or $DANCU_PASSWORD)");
  add_cmd->add_option("--data", add->node.data_dir, "the node's data directory")->required();
  add_cmd->add_option("--name", add->name, "login name: 2-32 of a-z 0-9 . _ -")->required();
  add_cmd->add_option("--role", add->role,
                      "clerk (default), chief (communes: also manages officers) or operator (hubs and central: also "
                      "decides the review queue and manages officers)");
  add_cmd->add_option("--password-file", add->node.password_file, "file holding the password");
  add_cmd->add_flag("--json", add->node.json, "machine-readable output");
  add_cmd->callback([add, &runner] {
    auto password = ReadSecret(add->node.password_file, "DANCU_PASSWORD");
    if (!password.ok()) return runner.Fail(password.status(), add->node.json);
    if (!password->has_value()) {
      return runner.Fail(Status::InvalidArgument("give a password (--password-file or $DANCU_PASSWORD)"),
                         add->node.json);
    }
    auto role = storage::ParseOfficerRole(add->role);
    if (!role) return runner.Fail(Status::InvalidArgument("--role must be clerk, chief or operator"), add->node.json);
    auto node = node::Node::Open(add->node.data_dir, node::KeyAccess::kNone, std::nullopt);
    if (!node.ok()) return runner.Fail(node.status(), add->node.json);
    Status added = node::AddOfficer((*node)->store(), {add->name, *role}, **password,
                                    node::IsHub((*node)->config().role));
    if (!added.ok()) return runner.Fail(added, add->node.json);
    if (add->node.json) PrintJson({{"officer", add->name}, {"role", add->role}});
    else std::cout << "added officer " << add->name << " (" << add->role << ")\n";
  });

  auto set_role = std::make_shared<AddOptions>();
  auto* set_role_cmd = group->add_subcommand("set-role", "give an officer another role (not the node's last chief or operator)");
  set_role_cmd->add_option("--data", set_role->node.data_dir, "the node's data directory")->required();
  set_role_cmd->add_option("--name", set_role->name, "the officer's login name")->required();
  set_role_cmd->add_option("--role", set_role->role, "clerk, chief (communes) or operator (hubs and central)")->required();
  set_role_cmd->add_flag("--json", set_role->node.json, "machine-readable output");
  set_role_cmd->callback([set_role, &runner] {
    auto role = storage::ParseOfficerRole(set_role->role);
    if (!role) return runner.Fail(Status::InvalidArgument("--role must be clerk, chief or operator"), set_role->node.json);
    auto node = node::Node::Open(set_role->node.data_dir, node::KeyAccess::kNone, std::nullopt);
    if (!node.ok()) return runner.Fail(node.status(), set_role->node.json);
    Status set = node::SetOfficerRole((*node)->store(), {set_role->name, *role}, node::IsHub((*node)->config().role));
    if (!set.ok()) return runner.Fail(set, set_role->node.json);
    if (set_role->node.json) PrintJson({{"officer", set_role->name}, {"role", set_role->role}});
    else std::cout << "officer " << set_role->name << " is now " << set_role->role << "\n";
  });

  auto remove = std::make_shared<AddOptions>();
  auto* remove_cmd = group->add_subcommand("remove", "remove an officer's account (the changes they made keep their name)");
  remove_cmd->add_option("--data", remove->node.data_dir, "the node's data directory")->required();
  remove_cmd->add_option("--name", remove->name, "the officer's login name")->required();
  remove_cmd->add_flag("--json", remove->node.json, "machine-readable output");
  remove_cmd->callback([remove, &runner] {
    auto node = node::Node::Open(remove->node.data_dir, node::KeyAccess::kNone, std::nullopt);
    if (!node.ok()) return runner.Fail(node.status(), remove->node.json);
    Status removed = node::RemoveOfficer((*node)->store(), remove->name);
    if (!removed.ok()) return runner.Fail(removed, remove->node.json);
    if (remove->node.json) PrintJson({{"officer", remove->name}, {"removed", true}});
    else std::cout << "removed officer " << remove->name << "\n";
  });

  auto list = std::make_shared<NodeOptions>();
  auto* list_cmd = group->add_subcommand("list", "list the officers");
  list->AddTo(list_cmd, false);
  list_cmd->callback([list, &runner] {
    auto node = OpenForReading(*list);
    if (!node.ok()) return runner.Fail(node.status(), list->json);
    auto officers = node::ListOfficers((*node)->store());
    if (!officers.ok()) return runner.Fail(officers.status(), list->json);
    nlohmann::json listed = nlohmann::json::array();
    for (const auto& o : *officers) {
      if (!list->json) std::cout << o.name << "\t" << storage::OfficerRoleName(o.role) << "\n";
      listed.push_back({{"name", o.name}, {"role", storage::OfficerRoleName(o.role)}});
    }
    if (list->json) PrintJson(listed);
  });
}

void AddCertCommands(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("cert", "certify a child node with its parent's key");
  group->require_subcommand(1);

  struct Options {
    NodeOptions node;
    std::string in, out;
    uint64_t days = 3 * 365;
  };
  auto request = std::make_shared<Options>();
  auto* request_cmd = group->add_subcommand("request", "write this node's certificate request (run on the child)");
  request->node.AddTo(request_cmd, false);
  request_cmd->add_option("--out", request->out, "request file to write")->required();
  request_cmd->callback([request, &runner] {
    auto node = OpenForReading(request->node);
    if (!node.ok()) return runner.Fail(node.status(), request->node.json);
    Status written = node::WriteFileAtomically(request->out, node::MakeCertificateRequest((*node)->config()));
    if (!written.ok()) return runner.Fail(written, request->node.json);
    if (request->node.json) PrintJson({{"request", request->out}});
    else std::cout << "wrote certificate request " << request->out << "\n";
  });

  auto issue = std::make_shared<Options>();
  auto* issue_cmd = group->add_subcommand("issue", "certify a child's request (run on the parent)");
  issue_cmd->add_option("--data", issue->node.data_dir, "the parent's data directory")->required();
  issue_cmd->add_option("--request", issue->in, "the child's request file")->required();
  issue_cmd->add_option("--out", issue->out, "certificate chain file to write")->required();
  issue_cmd->add_option("--days", issue->days, "validity in days (default 1095)");
  issue_cmd->add_option("--passphrase-file", issue->node.passphrase_file, "the parent key's passphrase file");
  issue_cmd->add_flag("--json", issue->node.json, "machine-readable output");
  issue_cmd->callback([issue, &runner] {
    auto passphrase = ReadSecret(issue->node.passphrase_file, "DANCU_PASSPHRASE");
    if (!passphrase.ok()) return runner.Fail(passphrase.status(), issue->node.json);
    auto secrets = node::ReadKeyFile(node::Node::KeyPath(issue->node.data_dir), *passphrase);
    if (!secrets.ok()) return runner.Fail(secrets.status(), issue->node.json);
    auto config = node::ReadNodeConfig(node::Node::ConfigPath(issue->node.data_dir));
    if (!config.ok()) return runner.Fail(config.status(), issue->node.json);
    auto chain = node::ReadWholeFile(node::Node::ChainPath(issue->node.data_dir));
    if (!chain.ok()) {
      return runner.Fail(Status::FailedPrecondition("this node has no certificate of its own yet"), issue->node.json);
    }
    auto request_bytes = node::ReadWholeFile(issue->in);
    if (!request_bytes.ok()) return runner.Fail(request_bytes.status(), issue->node.json);
    auto issued = node::IssueCertificate(*config, *secrets, *chain, *request_bytes,
                                         storage::HybridClock::SystemMillis(), issue->days);
    if (!issued.ok()) return runner.Fail(issued.status(), issue->node.json);
    Status written = node::WriteFileAtomically(issue->out, *issued);
    if (!written.ok()) return runner.Fail(written, issue->node.json);
    // The parent knows its child from now on: its link key is admitted, its changes trusted.
    auto parent = node::Node::Open(issue->node.data_dir, node::KeyAccess::kNone, std::nullopt);
    if (!parent.ok()) return runner.Fail(parent.status(), issue->node.json);
    auto known = (*parent)->directory().AddChain(*issued, storage::HybridClock::SystemMillis());
    if (!known.ok()) return runner.Fail(known.status(), issue->node.json);
    if (issue->node.json) PrintJson({{"certificate", issue->out}});
    else std::cout << "wrote certificate chain " << issue->out << "\n";
  });

  auto install = std::make_shared<Options>();
  auto* install_cmd = group->add_subcommand("install", "verify and install this node's certificate chain");
  install->node.AddTo(install_cmd, false);
  install_cmd->add_option("chain", install->in, "certificate chain file from the parent")->required();
  install_cmd->callback([install, &runner] {
    auto config = node::ReadNodeConfig(node::Node::ConfigPath(install->node.data_dir));
    if (!config.ok()) return runner.Fail(config.status(), install->node.json);
    auto chain = node::ReadWholeFile(install->in);
    if (!chain.ok()) return runner.Fail(chain.status(), install->node.json);
    auto verified = node::VerifyChain(*chain, config->root_key, storage::HybridClock::SystemMillis());
    if (!verified.ok()) return runner.Fail(verified.status(), install->node.json);
    if (verified->leaf_node_id != config->node_id) {
      return runner.Fail(Status::InvalidArgument("the chain certifies node " +
                                                 node::NodeIdHex(verified->leaf_node_id) + ", not this one"),
                         install->node.json);
    }
    Status written = node::WriteFileAtomically(node::Node::ChainPath(install->node.data_dir), *chain);
    if (written.ok()) {
      config->root_key = verified->root_key;
      written = node::WriteNodeConfig(node::Node::ConfigPath(install->node.data_dir), *config);
    }
    if (!written.ok()) return runner.Fail(written, install->node.json);
    std::string root = storage::ToHex(verified->root_key);
    if (install->node.json) PrintJson({{"installed", install->in}, {"root_key", root}, {"length", verified->length}});
    else std::cout << "installed a chain of " << verified->length << " certificates; root key " << root
                   << " (compare it with central's)\n";
  });
}

}  // namespace

void AddNodeCommands(CLI::App& app, Runner& runner) {
  AddInit(app, runner);
  AddOfficerCommands(app, runner);
  AddCertCommands(app, runner);
}

}  // namespace dancu::tools
