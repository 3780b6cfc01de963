// dancu: the command of a commune, district, province or central registry node.
#include <CLI/CLI.hpp>

#include "tools/dancu/cli.h"

int main(int argc, char** argv) {
  CLI::App app{"dancu — offline-first registry node for remote communes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "dancu 0.1.0");
  dancu::tools::Runner runner;
  dancu::tools::AddNodeCommands(app, runner);
  dancu::tools::AddDataCommands(app, runner);
  dancu::tools::AddResidentCommands(app, runner);
  dancu::tools::AddAuditCommands(app, runner);
  dancu::tools::AddReplicationCommands(app, runner);  // after the node commands: adds cert revoke
  dancu::tools::AddEnrollCommands(app, runner);
  dancu::tools::AddServeCommands(app, runner);
  dancu::tools::AddSimCommands(app, runner);
  dancu::tools::AddBundleCommands(app, runner);
  dancu::tools::AddBiometricCommands(app, runner);
  dancu::tools::AddCardCommands(app, runner);
  dancu::tools::AddAgencyCommands(app, runner);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : dancu::tools::kExitUsage;
  }
  return runner.exit_code();
}
