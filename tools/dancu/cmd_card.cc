// dancu card read|check|trust add: the chip citizen-ID card (CCCD), read offline through PC/SC,
// proven genuine by passive authentication against the CSCAs the node trusts, and compared with
// the resident's record. Nothing read from the card is stored; the face image is never printed.
#include <iostream>

#include "node/card_check.h"
#include "node/card_read.h"
#include "devices/card/pcsc_reader.h"
#include "node/card_case.h"
#include "node/card_trust.h"
#include "node/console/resident_view.h"
#include "node/files.h"
#include "tools/dancu/cli.h"

namespace dancu::tools {

namespace {

using nlohmann::json;
namespace card = devices::card;

// The options of the commands that read a card.
struct CardOptions {
  std::string number, birth, expiry;  // the access key: citizen number and the card's dates
  std::string reader;                 // empty: any reader
  std::string trust;                  // a folder of CSCA certificates; else the node's
  int wait_seconds = 15;

  void AddTo(CLI::App* command) {
    command->add_option("--number", number, "the 12-digit citizen number on the card")->required();
    command->add_option("--birth", birth, "birth date on the card, YYYY-MM-DD")->required();
    command->add_option("--expiry", expiry, "expiry date on the card, YYYY-MM-DD; for a card without expiry, the 6 characters of the MRZ's expiry field (e.g. '<<<<<<')")->required();
    command->add_option("--reader", reader, "PC/SC reader name (default: any reader)");
    command->add_option("--trust", trust,
                        "folder of CSCA certificates to verify with (default: the node's, "
                        "dancu card trust add)");
    command->add_option("--wait", wait_seconds, "seconds to wait for a card (default 15)")
        ->check(CLI::Range(1, 600));
  }
};

// Reads and verifies the card; the CSCAs are --trust's, else those of the node at `data_dir`.
Result<card::CitizenCard> ReadCard(const CardOptions& o, const std::string& data_dir) {
  if (o.trust.empty() && data_dir.empty()) {
    return Status::InvalidArgument("give --trust DIR or --data DIR: the CSCAs to verify with");
  }
  card::CardReadWorker reader(card::PcscSources());
  return node::ReadCitizenCard(reader, {o.number, o.birth, o.expiry, o.reader, std::chrono::seconds(o.wait_seconds),
                                        o.trust.empty() ? node::CardTrustDir(data_dir) : o.trust});
}

json VerdictJson(const card::Verdict& v) {
  json out = {{"authentic", v.authenticity == card::Authenticity::kGenuine},
              {"verdict", std::string(card::Name(v.authenticity))},
              {"signer", v.signer}};
  if (!v.reason.empty()) out["reason"] = v.reason;
  return out;
}

void PrintVerdict(const card::Verdict& v) {
  if (v.authenticity == card::Authenticity::kGenuine) {
    std::cout << "card: genuine (signed by " << v.signer << ")\n";
  } else {
    std::cout << "card: " << (v.authenticity == card::Authenticity::kUnknownSigner
                                  ? "UNKNOWN SIGNER"
                                  : "NOT GENUINE")
              << ": " << v.reason << "\n";
  }
}

void AddRead(CLI::App& group, Runner& runner) {
  struct Options {
    CardOptions card;
    std::string data_dir;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = group.add_subcommand("read", "read a chip citizen-ID card and verify it");
  opts->card.AddTo(cmd);
  cmd->add_option("--data", opts->data_dir, "the node whose trusted CSCAs verify the card");
  cmd->add_flag("--json", opts->json, "one JSON document on stdout");
  cmd->callback([opts, &runner] {
    auto read = ReadCard(opts->card, opts->data_dir);
    if (!read.ok()) return runner.Fail(read.status(), opts->json);
    const card::CitizenCard& c = *read;
    json fields = node::CardToJson(c.data);
    if (opts->json) {
      json out = VerdictJson(c.verdict);
      out.update(fields);
      out["face"] = {{"mime_type", c.face.mime_type}, {"bytes", c.face.bytes.size()}};
      PrintJson(out);
    } else {
      PrintVerdict(c.verdict);
      for (const auto& [key, value] : fields.items()) {
        if (value.is_string() && !value.get<std::string>().empty()) {
          std::cout << key << ": " << value.get<std::string>() << "\n";
        }
      }
      std::cout << "face: " << c.face.mime_type << ", " << c.face.bytes.size()
                << " bytes (not stored)\n";
    }
    if (c.verdict.authenticity != card::Authenticity::kGenuine) runner.Set(kExitRejected);
  });
}

void AddCheck(CLI::App& group, Runner& runner) {
  struct Options {
    CardOptions card;
    NodeOptions node;
    std::string resident;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = group.add_subcommand(
      "check", "read a card and compare it field by field with the resident's record");
  opts->card.AddTo(cmd);
  opts->node.AddTo(cmd, false);
  cmd->add_option("--resident", opts->resident,
                  "record id or citizen number to compare with (default: the card's number)");
  cmd->callback([opts, &runner] {
    const bool as_json = opts->node.json;
    auto node = OpenForReading(opts->node);
    if (!node.ok()) return runner.Fail(node.status(), as_json);
    auto read = ReadCard(opts->card, opts->node.data_dir);
    if (!read.ok()) return runner.Fail(read.status(), as_json);
    const card::CitizenCard& c = *read;
    const std::string ref = opts->resident.empty() ? c.data.citizen_no : opts->resident;
    auto id = ResolveRecord((*node)->store(), ref);
    if (!id.ok()) return runner.Fail(id.status().WithContext("resident " + ref), as_json);
    auto record = console::ResidentJson((*node)->store(), *id);
    if (!record.ok()) return runner.Fail(record.status(), as_json);
    std::vector<node::CardDifference> diffs = node::CompareCardWithRecord(c.data, *record);
    if (as_json) {
      json out = VerdictJson(c.verdict);
      out["record"] = *id;
      out["differences"] = node::CardDifferencesJson(diffs);
      PrintJson(out);
    } else {
      PrintVerdict(c.verdict);
      std::cout << "record " << *id << ": ";
      if (diffs.empty()) std::cout << "agrees with the card\n";
      else std::cout << diffs.size() << " difference(s)\n";
      for (const auto& d : diffs) {
        std::cout << "  " << d.field << ": card \"" << d.card << "\", record \"" << d.record
                  << "\"\n";
      }
    }
    if (!diffs.empty() || c.verdict.authenticity != card::Authenticity::kGenuine) {
      runner.Set(kExitRejected);
    }
  });
}

void AddTrust(CLI::App& group, Runner& runner) {
  auto* trust = group.add_subcommand("trust", "the country signing CAs (CSCAs) the node trusts, and their CRLs");
  trust->require_subcommand(1);
  struct Options {
    NodeOptions node;
    std::string file;
  };
  auto opts = std::make_shared<Options>();
  auto* add = trust->add_subcommand("add", "install a CSCA certificate, or a CRL of an installed CSCA (PEM or DER)");
  opts->node.AddTo(add, false);
  add->add_option("file", opts->file, "the CSCA certificate or CRL")->required();
  add->callback([opts, &runner] {
    auto bytes = node::ReadWholeFile(opts->file);
    if (!bytes.ok()) return runner.Fail(bytes.status(), opts->node.json);
    auto installed = node::InstallCardTrust(opts->node.data_dir, *bytes);
    if (!installed.ok()) {
      return runner.Fail(installed.status().WithContext(opts->file), opts->node.json);
    }
    const node::InstalledTrust& t = *installed;
    if (opts->node.json && t.crl) {
      PrintJson({{"installed", t.path}, {"kind", "crl"}, {"issuer", t.subject}, {"next_update", t.until},
                 {"revoked", t.revoked}, {"already", t.already}});
    } else if (opts->node.json) {
      PrintJson({{"installed", t.path}, {"kind", "csca"}, {"subject", t.subject}, {"not_after", t.until},
                 {"already", t.already}});
    } else if (t.crl) {
      std::cout << (t.already ? "already installed: " : "installed ") << "CRL of " << t.subject << ": "
                << t.revoked << " revoked" << (t.until.empty() ? "" : " (next update " + t.until + ")") << "\n";
    } else {
      std::cout << (t.already ? "already trusted: " : "trusted CSCA: ") << t.subject << " (valid until "
                << t.until << ")\n";
    }
  });
}

}  // namespace

void AddCardCommands(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("card", "chip citizen-ID cards (CCCD): read, verify, compare");
  group->require_subcommand(1);
  AddRead(*group, runner);
  AddCheck(*group, runner);
  AddTrust(*group, runner);
}

}  // namespace dancu::tools
