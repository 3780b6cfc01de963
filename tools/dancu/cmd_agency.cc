// dancu agency keygen|add|revoke|list|audit|verify|receipt|check: agencies that verify citizens
// against the registry (docs/agency-verification.md).
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <httplib.h>
#include <iostream>
#include <sstream>

#include "node/agencies.h"
#include "node/files.h"
#include "node/ida_protocol.h"
#include "storage/hlc.h"
#include "tools/dancu/cli.h"

namespace dancu::tools {

namespace {

using nlohmann::json;
constexpr uint64_t kDayMs = 24ull * 3600 * 1000;

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path == "-" ? "/dev/stdin" : path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<storage::SigningKey> ReadAgencyKey(const std::string& path) {
  auto text = ReadText(path);
  if (!text.ok()) return text.status();
  std::string hex = *text;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  storage::Seed seed{};
  if (!storage::FromHex(hex, seed.data(), seed.size())) {
    return Status::InvalidArgument(path + " does not hold an agency key (64 hex digits)");
  }
  return storage::SigningKey::FromSeed(seed);
}

Result<storage::PublicKey> ParseKey(const std::string& hex, const char* what) {
  storage::PublicKey key{};
  if (!storage::FromHex(hex, key.data(), key.size())) {
    return Status::InvalidArgument(std::string(what) + " must be 64 hex digits");
  }
  return key;
}

std::string FromHexString(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  if (!storage::FromHex(hex, reinterpret_cast<uint8_t*>(out.data()), out.size())) return "";
  return out;
}

json AnswerJson(const node::Answer& a) {
  json fields = json::object();
  for (const auto& [claim, match] : a.fields) fields[std::string(node::ClaimName(claim))] = match;
  return {{"decision", a.yes ? "yes" : "no"},   {"fields", fields},
          {"token", storage::ToHex(a.token)},    {"node", storage::IdHex(a.node)},
          {"agency", storage::IdHex(a.agency_id)}, {"transaction_id", a.transaction_id},
          {"answered_at", a.answered_at},        {"data_as_of", a.data_as_of},
          {"request_hash", storage::ToHex(a.request_hash)}, {"verified", true}};
}

// Checks a {"answer", "chain"} document offline against the root.
Result<node::Answer> CheckDocument(const json& doc, const storage::PublicKey& root) {
  if (!doc.contains("answer") || !doc.contains("chain") || !doc["answer"].is_string() || !doc["chain"].is_string()) {
    return Status::InvalidArgument("not a signed answer: it needs answer and chain");
  }
  return node::VerifyAnswer(FromHexString(doc["answer"]), FromHexString(doc["chain"]), root);
}

struct ClientOptions {
  std::string url, key_file, ca_file, root;
  bool json = false;
};

void AddClientOptions(CLI::App* cmd, ClientOptions& o) {
  cmd->add_option("--url", o.url, "the node's agency service, https://HOST:PORT")->required();
  cmd->add_option("--agency-key", o.key_file, "the agency's key file (dancu agency keygen)")->required();
  cmd->add_option("--root", o.root, "the national root key (64 hex digits) to check the answer against")->required();
  cmd->add_option("--ca", o.ca_file, "PEM file of the CA (or certificate) the node's TLS certificate must chain to");
  cmd->add_flag("--json", o.json, "machine-readable output");
}

// What an agency client signs with and checks against.
struct ClientKeys {
  storage::SigningKey key;
  storage::PublicKey root;
};

Result<ClientKeys> ReadClientKeys(const ClientOptions& o) {
  auto key = ReadAgencyKey(o.key_file);
  if (!key.ok()) return key.status();
  auto root = ParseKey(o.root, "--root");
  if (!root.ok()) return root.status();
  return ClientKeys{std::move(key.value()), *root};
}

// POSTs `body` to `path` signed with the agency's key; the 200 answer's JSON, or an error naming
// the failure: IOError when the node cannot be reached, NotFound for 404, PermissionDenied for
// any other refusal (with the node's code, message and Retry-After).
Result<json> PostSigned(const ClientOptions& o, const storage::SigningKey& key, const std::string& path,
                        const std::string& body) {
  httplib::Client client(o.url);
  client.set_connection_timeout(std::chrono::seconds(10));
  client.set_read_timeout(std::chrono::seconds(30));
  if (!o.ca_file.empty()) client.set_ca_cert_path(o.ca_file.c_str());
  client.enable_server_certificate_verification(true);
  client.set_tcp_nodelay(true);
  const storage::Signature sig = key.Sign(node::RequestSignedBytes(path, body));
  httplib::Headers headers = {{std::string(node::kAgencyHeader), storage::IdHex(node::AgencyIdOf(key.public_key()))},
                              {std::string(node::kSignatureHeader), storage::ToHex(sig)}};
  auto res = client.Post(path, headers, body, "application/json");
  if (!res) return Status::IOError("cannot reach " + o.url + ": " + httplib::to_string(res.error()));
  json answer = json::parse(res->body, nullptr, false);
  if (res->status == 200) return answer;
  std::string why = answer.is_object() && answer.contains("error") && answer["error"].is_object()
                        ? answer["error"].value("code", "") + ": " + answer["error"].value("message", "")
                        : res->body;
  if (res->has_header("Retry-After")) why += " (retry after " + res->get_header_value("Retry-After") + " s)";
  why = "the node refused (" + std::to_string(res->status) + ") " + why;
  return res->status == 404 ? Status::NotFound(why) : Status::PermissionDenied(why);
}

std::string RandomTransactionId() {
  std::array<uint8_t, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return storage::ToHex(bytes);
}

void AddKeygen(CLI::App& group, Runner& runner) {
  auto out = std::make_shared<std::string>();
  auto* cmd = group.add_subcommand("keygen", "make an agency's Ed25519 key: its secret to FILE, its public key printed");
  cmd->add_option("--out", *out, "the key file to write (mode 0600; never replaced)")->required();
  cmd->callback([out, &runner] {
    storage::SigningKey key = storage::SigningKey::Generate();
    if (std::ifstream(*out)) return runner.Fail(Status::AlreadyExists(*out + " exists; not replaced"), false);
    Status written = node::WriteFileAtomically(*out, storage::ToHex(key.seed()) + "\n");
    if (!written.ok()) return runner.Fail(written, false);
    ::chmod(out->c_str(), 0600);
    std::cout << "public key " << storage::ToHex(key.public_key()) << "\nagency "
              << storage::IdHex(node::AgencyIdOf(key.public_key())) << "\n";
  });
}

// Opens central with its key; PermissionDenied at any other node.
Result<std::unique_ptr<node::Node>> OpenCentral(const NodeOptions& o) {
  auto passphrase = ReadSecret(o.passphrase_file, "DANCU_PASSPHRASE");
  if (!passphrase.ok()) return passphrase.status();
  auto node = node::Node::Open(o.data_dir, node::KeyAccess::kSign, *passphrase);
  if (!node.ok()) return node.status();
  if ((*node)->config().role != schema::Role::CENTRAL) {
    return Status::PermissionDenied("only central, which holds the root key, registers and revokes agencies");
  }
  return node;
}

// Signs `policy` with central's root key and keeps the credential; true if it was news.
Result<bool> KeepCredential(node::Node& central, const node::AgencyPolicy& policy) {
  auto signing = central.signing_key();
  if (!signing.ok()) return signing.status();
  return central.agencies().Add(node::MakeAgencyCredential(**signing, policy));
}

void AddAdd(CLI::App& group, Runner& runner) {
  struct Options {
    NodeOptions node;
    std::string name, procedures, fields, key;
    bool per_field = false;
    uint32_t rate = 50, per_citizen = 10;
    uint64_t valid_days = 365;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group.add_subcommand("add", "central: register an agency (its credential replicates to every node)");
  cmd->add_option("--data", o->node.data_dir, "central's data directory")->required();
  cmd->add_option("--passphrase-file", o->node.passphrase_file, "file holding the node key's passphrase");
  cmd->add_option("--name", o->name, "the agency's name")->required();
  cmd->add_option("--key", o->key, "the agency's public key (64 hex digits, dancu agency keygen)")->required();
  cmd->add_option("--procedures", o->procedures, "procedure codes it may verify for, comma-separated")->required();
  cmd->add_option("--fields", o->fields, "claims it may ask about: full_name,birth_date,sex,alive")->required();
  cmd->add_flag("--per-field-results", o->per_field, "answers say which claim failed");
  cmd->add_option("--rate", o->rate, "requests per second at one node (default 50)");
  cmd->add_option("--per-citizen", o->per_citizen, "requests about one citizen per hour at one node (default 10)");
  cmd->add_option("--valid-days", o->valid_days, "days the credential is valid (default 365)");
  cmd->add_flag("--json", o->node.json, "machine-readable output");
  cmd->callback([o, &runner] {
    node::AgencyPolicy policy;
    policy.name = o->name;
    auto key = ParseKey(o->key, "--key");
    if (!key.ok()) return runner.Fail(key.status(), o->node.json);
    policy.key = *key;
    policy.procedures = SplitCommas(o->procedures);
    for (const std::string& field : SplitCommas(o->fields)) {
      auto claim = node::ParseClaim(field);
      if (!claim) return runner.Fail(Status::InvalidArgument("--fields: " + field + " is not a claim"), o->node.json);
      policy.claims.push_back(*claim);
    }
    if (policy.name.empty() || policy.procedures.empty() || policy.claims.empty() || o->rate == 0 ||
        o->per_citizen == 0 || o->valid_days == 0) {
      return runner.Fail(Status::InvalidArgument("give a name, procedures, fields, and rates and days above 0"),
                         o->node.json);
    }
    policy.per_field_results = o->per_field;
    policy.rate_per_second = o->rate;
    policy.per_citizen_per_hour = o->per_citizen;
    policy.issued_at = policy.valid_from = storage::HybridClock::SystemMillis();
    policy.valid_until = policy.valid_from + o->valid_days * kDayMs;
    randombytes_buf(policy.token_salt.data(), policy.token_salt.size());
    auto central = OpenCentral(o->node);
    if (!central.ok()) return runner.Fail(central.status(), o->node.json);
    auto added = KeepCredential(**central, policy);
    if (!added.ok()) return runner.Fail(added.status(), o->node.json);
    const std::string id = storage::IdHex(node::AgencyIdOf(policy.key));
    if (!*added) return runner.Fail(Status::AlreadyExists("agency " + id + " is registered already"), o->node.json);
    if (o->node.json) return PrintJson({{"agency", id}, {"valid_until", policy.valid_until}});
    std::cout << "registered agency " << id << " (" << policy.name << ")\n";
  });
}

void AddRevoke(CLI::App& group, Runner& runner) {
  struct Options {
    NodeOptions node;
    std::string agency;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group.add_subcommand("revoke", "central: revoke an agency's credential (replicates everywhere)");
  cmd->add_option("--data", o->node.data_dir, "central's data directory")->required();
  cmd->add_option("--passphrase-file", o->node.passphrase_file, "file holding the node key's passphrase");
  cmd->add_option("--agency", o->agency, "the agency id")->required();
  cmd->add_flag("--json", o->node.json, "machine-readable output");
  cmd->callback([o, &runner] {
    auto id = node::ParseNodeIdHex(o->agency);
    if (!id.ok()) return runner.Fail(id.status(), o->node.json);
    auto central = OpenCentral(o->node);
    if (!central.ok()) return runner.Fail(central.status(), o->node.json);
    auto policy = (*central)->agencies().Find(*id);
    if (!policy) return runner.Fail(Status::NotFound("no agency " + o->agency), o->node.json);
    policy->revoked = true;
    policy->issued_at = storage::HybridClock::SystemMillis();
    auto added = KeepCredential(**central, *policy);
    if (!added.ok()) return runner.Fail(added.status(), o->node.json);
    if (o->node.json) return PrintJson({{"revoked", o->agency}});
    std::cout << "revoked agency " << o->agency << "\n";
  });
}

void AddList(CLI::App& group, Runner& runner) {
  auto o = std::make_shared<NodeOptions>();
  auto* cmd = group.add_subcommand("list", "the agencies this node knows");
  o->AddTo(cmd, false);
  cmd->callback([o, &runner] {
    auto node = OpenForReading(*o);
    if (!node.ok()) return runner.Fail(node.status(), o->json);
    json list = json::array();
    for (const node::AgencyPolicy& a : (*node)->agencies().List()) {
      json claims = json::array();
      for (auto c : a.claims) claims.push_back(std::string(node::ClaimName(c)));
      list.push_back({{"agency", storage::IdHex(a.id)}, {"name", a.name}, {"procedures", a.procedures},
                      {"fields", claims}, {"per_field_results", a.per_field_results},
                      {"rate", a.rate_per_second}, {"per_citizen", a.per_citizen_per_hour},
                      {"valid_until", a.valid_until}, {"revoked", a.revoked}});
    }
    if (o->json) return PrintJson({{"agencies", list}});
    for (const json& a : list) {
      std::cout << a["agency"].get<std::string>() << "\t" << a["name"].get<std::string>() << "\t"
                << (a["revoked"].get<bool>() ? "revoked" : "active") << "\n";
    }
  });
}

std::string_view OutcomeName(schema::AuditOutcome outcome) {
  switch (outcome) {
    case schema::AuditOutcome::NO: return "no";
    case schema::AuditOutcome::YES: return "yes";
    case schema::AuditOutcome::RATE_LIMITED: return "rate_limited";
    case schema::AuditOutcome::REPLAYED: return "replayed";
    case schema::AuditOutcome::STALE: return "stale";
    case schema::AuditOutcome::FORBIDDEN: return "forbidden";
  }
  return "unknown";
}

void AddAudit(CLI::App& group, Runner& runner) {
  auto o = std::make_shared<NodeOptions>();
  auto* cmd = group.add_subcommand("audit", "the audit of agency verifications this node holds (its own and its children's)");
  o->AddTo(cmd, false);
  cmd->callback([o, &runner] {
    auto node = OpenForReading(*o);
    if (!node.ok()) return runner.Fail(node.status(), o->json);
    json entries = json::array();
    Status scanned = (*node)->audit().Scan([&](uint64_t origin, uint64_t seq, schema::AuditEntry::Reader e) {
      entries.push_back({{"node", storage::IdHex(origin)}, {"batch", seq}, {"agency", storage::IdHex(e.getAgencyId())},
                         {"transaction_id", e.getTransactionId().cStr()}, {"procedure", e.getProcedure().cStr()},
                         {"operator", e.getOperator().cStr()}, {"outcome", std::string(OutcomeName(e.getOutcome()))},
                         {"token", storage::ToHex(std::string(storage::AsView(e.getToken())))},
                         {"request_hash", storage::ToHex(std::string(storage::AsView(e.getRequestHash())))},
                         {"at", e.getAt()}});
      return true;
    });
    if (!scanned.ok()) return runner.Fail(scanned, o->json);
    if (o->json) return PrintJson({{"entries", entries}});
    for (const json& e : entries) {
      std::cout << e["node"].get<std::string>() << "\t" << e["agency"].get<std::string>() << "\t"
                << e["transaction_id"].get<std::string>() << "\t" << e["procedure"].get<std::string>() << "\t"
                << e["operator"].get<std::string>() << "\t" << e["outcome"].get<std::string>() << "\n";
    }
  });
}

// Prints a checked answer; exit 0 for yes, 3 for no.
void Report(Runner& runner, const node::Answer& answer, bool as_json) {
  if (as_json) {
    PrintJson(AnswerJson(answer));
  } else {
    std::cout << (answer.yes ? "yes" : "no") << " (signed by node " << storage::IdHex(answer.node)
              << ", data as of " << answer.data_as_of << ", token " << storage::ToHex(answer.token) << ")\n";
  }
  if (!answer.yes) runner.Set(kExitRejected);
}

void AddVerify(CLI::App& group, Runner& runner) {
  struct Options {
    ClientOptions client;
    std::string request, save;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group.add_subcommand(
      "verify", "as an agency: sign a verification request, send it, check the signed answer offline (exit 0 yes, 3 no)");
  AddClientOptions(cmd, o->client);
  cmd->add_option("--request", o->request, "the request JSON (a file or -); transaction_id and time are filled in if absent")
      ->required();
  cmd->add_option("--save", o->save, "write the signed answer ({answer, chain}) to this file");
  cmd->callback([o, &runner] {
    const bool as_json = o->client.json;
    auto keys = ReadClientKeys(o->client);
    if (!keys.ok()) return runner.Fail(keys.status(), as_json);
    auto text = ReadText(o->request);
    if (!text.ok()) return runner.Fail(text.status(), as_json);
    json request = json::parse(*text, nullptr, false);
    if (!request.is_object()) return runner.Fail(Status::InvalidArgument("the request is not a JSON object"), as_json);
    if (!request.contains("transaction_id")) request["transaction_id"] = RandomTransactionId();
    if (!request.contains("time")) request["time"] = storage::HybridClock::SystemMillis();
    auto body = PostSigned(o->client, keys->key, "/ida/v1/verify", request.dump());
    if (!body.ok()) return runner.Fail(body.status(), as_json);
    auto answer = CheckDocument(*body, keys->root);
    if (!answer.ok()) return runner.Fail(answer.status(), as_json);
    if (answer->transaction_id != request["transaction_id"].get<std::string>() ||
        answer->agency_id != node::AgencyIdOf(keys->key.public_key()) ||
        answer->request_hash != storage::Blake2b256(node::RequestSignedBytes("/ida/v1/verify", request.dump()))) {
      return runner.Fail(Status::Corruption("the signed answer is not the answer to this request"), as_json);
    }
    if (!o->save.empty()) {
      Status saved = node::WriteFileAtomically(o->save, json{{"answer", (*body)["answer"]}, {"chain", (*body)["chain"]}}.dump());
      if (!saved.ok()) return runner.Fail(saved, as_json);
    }
    Report(runner, *answer, as_json);
  });
}

void AddReceipt(CLI::App& group, Runner& runner) {
  struct Options {
    ClientOptions client;
    std::string transaction;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group.add_subcommand("receipt", "as an agency: fetch and check the signed answer of a past transaction");
  AddClientOptions(cmd, o->client);
  cmd->add_option("--transaction", o->transaction, "the transaction id")->required();
  cmd->callback([o, &runner] {
    const bool as_json = o->client.json;
    auto keys = ReadClientKeys(o->client);
    if (!keys.ok()) return runner.Fail(keys.status(), as_json);
    const json request = {{"transaction_id", o->transaction}, {"time", storage::HybridClock::SystemMillis()}};
    auto body = PostSigned(o->client, keys->key, "/ida/v1/receipt", request.dump());
    if (!body.ok()) return runner.Fail(body.status(), as_json);
    auto answer = CheckDocument(*body, keys->root);
    if (!answer.ok()) return runner.Fail(answer.status(), as_json);
    Report(runner, *answer, as_json);
  });
}

void AddCheck(CLI::App& group, Runner& runner) {
  struct Options {
    std::string file, root;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group.add_subcommand("check", "check a saved signed answer offline against the national root (exit 0 yes, 3 no)");
  cmd->add_option("answer", o->file, "the file dancu agency verify --save wrote")->required();
  cmd->add_option("--root", o->root, "the national root key (64 hex digits)")->required();
  cmd->add_flag("--json", o->json, "machine-readable output");
  cmd->callback([o, &runner] {
    auto root = ParseKey(o->root, "--root");
    if (!root.ok()) return runner.Fail(root.status(), o->json);
    auto text = ReadText(o->file);
    if (!text.ok()) return runner.Fail(text.status(), o->json);
    auto answer = CheckDocument(json::parse(*text, nullptr, false), *root);
    if (!answer.ok()) return runner.Fail(answer.status(), o->json);
    Report(runner, *answer, o->json);
  });
}

}  // namespace

void AddAgencyCommands(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("agency", "agencies that verify citizens: yes or no, never the record");
  group->require_subcommand(1);
  AddKeygen(*group, runner);
  AddAdd(*group, runner);
  AddRevoke(*group, runner);
  AddList(*group, runner);
  AddAudit(*group, runner);
  AddVerify(*group, runner);
  AddReceipt(*group, runner);
  AddCheck(*group, runner);
}

}  // namespace dancu::tools
