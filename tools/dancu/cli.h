// Shared plumbing of the `dancu` command: options every subcommand takes, output in text or JSON,
// secrets from files or the environment, and exit codes.
//
// Exit codes: 0 success; 1 failure (the message says why; nothing was changed unless it says so);
// 2 usage error; 3 completed, but some input was rejected (each rejection is reported).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "node/node.h"
#include "storage/status.h"
#include "storage/validation.h"

namespace dancu::tools {

enum ExitCode : int { kExitOk = 0, kExitFailure = 1, kExitUsage = 2, kExitRejected = 3 };

// Options shared by the subcommands that open a node.
struct NodeOptions {
  std::string data_dir;
  bool json = false;
  std::string passphrase_file;  // else $DANCU_PASSPHRASE, if set
  std::string officer;          // else $DANCU_OFFICER
  std::string password_file;    // else $DANCU_PASSWORD

  // Adds --data (required), --json and, with `writes`, --passphrase-file/--officer/--password-file.
  void AddTo(CLI::App* command, bool writes);
};

// The registered subcommands run their action through this, so every failure prints the same way
// and sets the process exit code.
class Runner {
 public:
  void Set(int code) { exit_code_ = code; }
  int exit_code() const { return exit_code_; }
  // Prints "dancu: error: ..." (or {"error": {...}} on stdout with json) and records kExitFailure.
  void Fail(const Status& status, bool json);

 private:
  int exit_code_ = kExitOk;
};

// Opens the node for reading only (storage::StoreOptions::read_only: a view as of the call that
// writes nothing; it works on a read-only data directory and beside a running `dancu serve`), or
// for writing as an authenticated officer.
Result<std::unique_ptr<node::Node>> OpenForReading(const NodeOptions& options);
struct WriteSession {
  std::unique_ptr<node::Node> node;
  std::string officer;
  schema::OfficerRole role = schema::OfficerRole::CLERK;  // the officer's role on the node
};
Result<WriteSession> OpenForWriting(const NodeOptions& options);

// A secret from `file` if given, else from environment variable `env`, else nullopt. A trailing
// newline in a file is dropped.
Result<std::optional<std::string>> ReadSecret(const std::string& file, const char* env);

// Whether `s` has the form of a citizen number (12 digits).
bool IsCitizenNo(const std::string& s);
// The record id that `ref` (a record id or a citizen number) names.
Result<std::string> ResolveRecord(const storage::Store& store, const std::string& ref);

nlohmann::json ErrorsJson(const storage::FieldErrors& errors);
std::string ErrorsText(const storage::FieldErrors& errors);  // "field: reason; field: reason"

void PrintJson(const nlohmann::json& value);

// Registration of each command group (cmd_*.cc).
void AddNodeCommands(CLI::App& app, Runner& runner);      // init, officer, cert
void AddDataCommands(CLI::App& app, Runner& runner);      // gen, import
void AddResidentCommands(CLI::App& app, Runner& runner);  // resident ...
void AddAuditCommands(CLI::App& app, Runner& runner);     // log verify, state-hash, report
void AddEnrollCommands(CLI::App& app, Runner& runner);    // enroll finger|photo, verify
void AddReplicationCommands(CLI::App& app, Runner& runner);  // sync, quarantine, conflicts, cert revoke
void AddServeCommands(CLI::App& app, Runner& runner);     // serve
void AddSimCommands(CLI::App& app, Runner& runner);       // sim (tools/sim)
void AddBundleCommands(CLI::App& app, Runner& runner);    // bundle export|import
void AddBiometricCommands(CLI::App& app, Runner& runner); // biometric eval (cmd_biometric.cc)
void AddCardCommands(CLI::App& app, Runner& runner);      // card read|check|trust add
void AddAgencyCommands(CLI::App& app, Runner& runner);    // agency ... (cmd_agency.cc)

}  // namespace dancu::tools
