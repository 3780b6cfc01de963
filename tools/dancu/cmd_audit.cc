// dancu log verify, dancu state-hash, dancu report.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "node/console/progress_tree.h"
#include "node/node_config.h"
#include "storage/log_verify.h"
#include "storage/report.h"
#include "storage/units.h"
#include "tools/dancu/cli.h"

namespace dancu::tools {

namespace {

using nlohmann::json;

// "85,157,192"
std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// "86.27%"
std::string Share(uint64_t part, uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

void AddLogVerify(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("log", "the change log");
  group->require_subcommand(1);
  auto opts = std::make_shared<NodeOptions>();
  auto* cmd = group->add_subcommand("verify", "re-check every hash and signature and replay the log");
  opts->AddTo(cmd, false);
  cmd->callback([opts, &runner] {
    auto node = OpenForReading(*opts);
    if (!node.ok()) return runner.Fail(node.status(), opts->json);
    auto started = std::chrono::steady_clock::now();
    auto report = storage::VerifyStore((*node)->store(), (*node)->KeyLookup());
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!report.ok()) return runner.Fail(report.status().WithContext("log verify failed"), opts->json);
    // A log that verifies can still be behind what a peer holds of it (restored from an older copy).
    const uint64_t self = (*node)->config().node_id;
    const auto held = (*node)->store().version_vector();
    const uint64_t own = held.count(self) ? held.at(self) : 0;
    if (auto target = (*node)->store().RecoveryTarget()) {
      return runner.Fail(Status::FailedPrecondition(
                             "this node's own log holds seq " + std::to_string(own) + " of the " +
                             std::to_string(*target) + " a peer holds: it is recovering (its work set aside is authored "
                             "again once its entries are back); sync with the parent"),
                         opts->json);
    }
    std::string hash = storage::ToHex(report->state_hash);
    if (opts->json) {
      PrintJson({{"ok", true}, {"origins", report->origins}, {"entries", report->entries},
                 {"checkpoints", report->checkpoints}, {"records", report->records},
                 {"state_hash", hash}, {"seconds", seconds}});
    } else {
      std::cout << "log ok: " << report->entries << " entries from " << report->origins << " origin(s), "
                << report->checkpoints << " signed checkpoints; replayed " << report->records
                << " records; state hash " << hash << "\n";
    }
  });
}

void AddStateHash(CLI::App& app, Runner& runner) {
  auto opts = std::make_shared<NodeOptions>();
  auto* cmd = app.add_subcommand("state-hash", "the hash of the materialized state");
  opts->AddTo(cmd, false);
  cmd->callback([opts, &runner] {
    auto node = OpenForReading(*opts);
    if (!node.ok()) return runner.Fail(node.status(), opts->json);
    std::string hash = storage::ToHex((*node)->store().state_digest().Digest());
    if (opts->json) PrintJson({{"state_hash", hash}});
    else std::cout << hash << "\n";
  });
}

void AddReport(CLI::App& app, Runner& runner) {
  auto opts = std::make_shared<NodeOptions>();
  auto* cmd = app.add_subcommand("report", "residents, clean records, deceased, CCCD applications and biometrics per unit");
  opts->AddTo(cmd, false);
  auto recount = std::make_shared<bool>(false);
  cmd->add_flag("--recount", *recount,
                "count from every record instead of the kept per-unit counters, and fail if the two disagree");
  cmd->callback([opts, recount, &runner] {
    auto node = OpenForReading(*opts);
    if (!node.ok()) return runner.Fail(node.status(), opts->json);
    auto report = storage::BuildReport((*node)->store());
    if (!report.ok()) return runner.Fail(report.status(), opts->json);
    if (*recount) {
      auto counted = storage::RecountReport((*node)->store());
      if (!counted.ok()) return runner.Fail(counted.status(), opts->json);
      if (!(*counted == *report)) {
        return runner.Fail(Status::Corruption(
                               "the kept per-unit counters disagree with a count of the records (" +
                               std::to_string(report->total.residents) + " residents kept, " +
                               std::to_string(counted->total.residents) + " counted); run `dancu log verify`"),
                           opts->json);
      }
    }
    const auto& units = storage::UnitRegistry::Get();
    auto unit_name = [&](const std::string& code) -> std::string {
      for (auto era : {storage::Era::k2025, storage::Era::k2023}) {
        if (const auto* u = units.Find(code, era)) return std::string(u->name);
      }
      return code.empty() ? "(no unit)" : "(unknown unit)";
    };
    if (opts->json) {
      json out = {{"total", console::TallyJson(report->total)}, {"units", json::array()}};
      for (const auto& [code, tally] : report->units) {
        json u = console::TallyJson(tally);
        u["unit"] = code;
        u["name"] = unit_name(code);
        out["units"].push_back(u);
      }
      return PrintJson(out);
    }
    auto line = [](const std::string& label, const storage::UnitTally& t) {
      std::cout << label << "\n  residents " << Thousands(t.residents) << "\n  clean " << Thousands(t.clean)
                << " / " << Thousands(t.residents) << " (" << Share(t.clean, t.residents) << ")"
                << "\n  deceased " << Thousands(t.deceased) << "\n  CCCD applications "
                << Thousands(t.applications) << " (" << Share(t.applications, t.residents - t.deceased)
                << " of the living)\n  biometrics " << Thousands(t.biometrics) << " ("
                << Share(t.biometrics, t.residents - t.deceased) << " of the living)\n";
    };
    for (const auto& [code, tally] : report->units) line(code + " " + unit_name(code), tally);
    line("total", report->total);
  });
}

}  // namespace

void AddAuditCommands(CLI::App& app, Runner& runner) {
  AddLogVerify(app, runner);
  AddStateHash(app, runner);
  AddReport(app, runner);
}

}  // namespace dancu::tools
