// dancu gen residents, dancu import.
#include <chrono>
#include <fstream>
#include <iostream>

#include "node/importer.h"
#include "storage/partial_date.h"
#include "tools/dancu/cli.h"
#include "tools/gen/resident_generator.h"

namespace dancu::tools {

namespace {

void AddGen(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("gen", "generate realistic test data");
  group->require_subcommand(1);
  auto opts = std::make_shared<GeneratorOptions>();
  auto* cmd = group->add_subcommand("residents", "write JSON Lines of residents of a commune to stdout");
  cmd->add_option("--unit", opts->unit, "GSO code of the commune")->required();
  cmd->add_option("--count", opts->count, "how many residents")->required();
  cmd->add_option("--seed", opts->seed, "random seed: the same seed gives the same residents")->required();
  cmd->add_option("--invalid-share", opts->invalid_share,
                  "share of deliberately invalid lines, 0 to 1 (default 0)");
  cmd->add_option("--duplicate-share", opts->duplicate_share,
                  "share of lines that register an earlier line's resident again, with typos, no or a "
                  "mistyped citizen number, a partial date or day and month swapped, 0 to 1 (default 0)");
  cmd->callback([opts, &runner] {
    opts->today = storage::TodayInVietnam(std::chrono::system_clock::now());
    std::ios::sync_with_stdio(false);
    Status written = WriteResidents(*opts, std::cout);
    std::cout.flush();
    if (!written.ok()) runner.Fail(written, false);
  });
}

void AddImport(CLI::App& app, Runner& runner) {
  struct Options {
    NodeOptions node;
    std::string file;
    size_t batch = 2000;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("import", "import residents from JSON Lines in durable batches");
  opts->node.AddTo(cmd, true);
  cmd->add_option("file", opts->file, "JSON Lines file, or - for stdin")->required();
  cmd->add_option("--batch", opts->batch, "residents per durable batch (default 2000)");
  cmd->callback([opts, &runner] {
    const bool json = opts->node.json;
    auto session = OpenForWriting(opts->node);
    if (!session.ok()) return runner.Fail(session.status(), json);
    std::ifstream file;
    if (opts->file != "-") {
      file.open(opts->file);
      if (!file) return runner.Fail(Status::NotFound("cannot read " + opts->file), json);
    }
    std::istream& in = opts->file == "-" ? std::cin : file;
    node::ImportCallbacks callbacks;
    callbacks.on_rejected = [json](uint64_t line, const storage::FieldErrors& errors) {
      if (json) PrintJson({{"event", "rejected"}, {"line", line}, {"errors", ErrorsJson(errors)}});
      else std::cout << "line " << line << " rejected: " << ErrorsText(errors) << "\n";
    };
    // Printed only once the batch is durable: a consumer may treat it as acknowledged.
    callbacks.on_committed = [json](const node::ImportProgress& p) {
      if (json) {
        PrintJson({{"event", "committed"}, {"lines", p.lines}, {"accepted", p.accepted}, {"already", p.already},
                   {"seq", p.last_seq}});
      }
      else std::cout << "committed " << p.accepted << " residents (through line " << p.lines << ")\n";
      std::cout.flush();
    };
    node::ImportOptions options{session->officer, std::max<size_t>(1, opts->batch), session->role};
    auto done = node::ImportJsonLines(*session->node, in, options, callbacks);
    if (!done.ok()) return runner.Fail(done.status(), json);
    if (json) {
      PrintJson({{"event", "done"}, {"lines", done->lines}, {"accepted", done->accepted}, {"already", done->already},
                 {"rejected", done->rejected}});
    } else {
      std::cout << "imported " << done->accepted << " residents, rejected " << done->rejected << " lines";
      if (done->already > 0) std::cout << "; " << done->already << " lines already imported, skipped";
      std::cout << "\n";
    }
    if (done->rejected > 0) runner.Set(kExitRejected);
  });
}

}  // namespace

void AddDataCommands(CLI::App& app, Runner& runner) {
  AddGen(app, runner);
  AddImport(app, runner);
}

}  // namespace dancu::tools
