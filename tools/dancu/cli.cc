#include "tools/dancu/cli.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "node/files.h"
#include "node/officers.h"

namespace dancu::tools {

void NodeOptions::AddTo(CLI::App* command, bool writes) {
  command->add_option("--data", data_dir, "the node's data directory")->required();
  command->add_flag("--json", json, "machine-readable output");
  if (writes) {
    command->add_option("--passphrase-file", passphrase_file,
                        "file holding the node key's passphrase (else $DANCU_PASSPHRASE)");
    command->add_option("--officer", officer, "officer making the change (else $DANCU_OFFICER)");
    command->add_option("--password-file", password_file,
                        "file holding the officer's password (else $DANCU_PASSWORD)");
  }
}

void Runner::Fail(const Status& status, bool json) {
  if (json) {
    PrintJson({{"error", {{"code", static_cast<int>(status.code())}, {"message", status.ToString()}}}});
  } else {
    std::cerr << "dancu: error: " << status.ToString() << "\n";
  }
  exit_code_ = kExitFailure;
}

Result<std::optional<std::string>> ReadSecret(const std::string& file, const char* env) {
  if (!file.empty()) {
    auto text = node::ReadWholeFile(file);
    if (!text.ok()) return text.status();
    std::string secret = std::move(text.value());
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    return std::optional<std::string>(secret);
  }
  if (const char* value = std::getenv(env)) return std::optional<std::string>(value);
  return std::optional<std::string>();
}

Result<std::unique_ptr<node::Node>> OpenForReading(const NodeOptions& options) {
  storage::StoreOptions store_options;
  store_options.read_only = true;
  return node::Node::Open(options.data_dir, node::KeyAccess::kNone, std::nullopt, store_options);
}

Result<WriteSession> OpenForWriting(const NodeOptions& options) {
  WriteSession session;
  session.officer = options.officer;
  if (session.officer.empty()) {
    if (const char* env = std::getenv("DANCU_OFFICER")) session.officer = env;
  }
  if (session.officer.empty()) return Status::InvalidArgument("name the officer (--officer or $DANCU_OFFICER)");
  auto password = ReadSecret(options.password_file, "DANCU_PASSWORD");
  if (!password.ok()) return password.status();
  if (!password->has_value()) {
    return Status::InvalidArgument("give the officer's password (--password-file or $DANCU_PASSWORD)");
  }
  auto passphrase = ReadSecret(options.passphrase_file, "DANCU_PASSPHRASE");
  if (!passphrase.ok()) return passphrase.status();
  auto node = node::Node::Open(options.data_dir, node::KeyAccess::kSign, *passphrase);
  if (!node.ok()) return node.status();
  DANCU_RETURN_IF_ERROR(node::CheckOfficer((*node)->store(), session.officer, **password));
  auto role = node::OfficerRoleOf((*node)->store(), session.officer);
  if (!role.ok()) return role.status();
  session.role = *role;
  session.node = std::move(node.value());
  return session;
}

bool IsCitizenNo(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<std::string> ResolveRecord(const storage::Store& store, const std::string& ref) {
  if (IsCitizenNo(ref)) {
    auto id = store.FindCitizenNo(ref);
    if (!id.ok()) return id.status();
    if (!id->has_value()) return Status::NotFound("no resident with that citizen number");
    return **id;
  }
  return ref;
}

nlohmann::json ErrorsJson(const storage::FieldErrors& errors) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : errors) out.push_back({{"field", e.field}, {"reason", e.reason}});
  return out;
}

std::string ErrorsText(const storage::FieldErrors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "; ";
    out += e.field.empty() ? e.reason : e.field + ": " + e.reason;
  }
  return out;
}

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace dancu::tools
