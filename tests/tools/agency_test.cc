// Agency verification (docs/agency-verification.md) with real processes and TLS on loopback:
// `dancu serve --ida` answering signed requests, `dancu agency ...` registering, verifying and
// reading the audit. Each case asserts what an agency sees (status, shape, signed answer checked
// offline against the national root) and what the audit holds afterwards.
#include <catch2/catch.hpp>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "node/agencies.h"
#include "node/ida_protocol.h"
#include "node/key_file.h"
#include "node/node.h"
#include "storage/hlc.h"
#include "tests/support/console_client.h"
#include "tests/support/process.h"
#include "tests/support/serve_process.h"
#include "tests/support/test_node.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPassword = "password123";
constexpr const char* kAn = "001085000001";      // Nguyễn Văn An, male, 1985-03-07, alive
constexpr const char* kLan = "001185000002";     // Trần Thị Lan, female, 1985-11, deceased
constexpr const char* kUnknown = "001085999999";

ProcessOptions AsOperator() { return {{{"DANCU_OFFICER", "op.a"}, {"DANCU_PASSWORD", kPassword}}, "", -1}; }

ProcessResult RunOk(const std::vector<std::string>& args, const ProcessOptions& options = AsOperator()) {
  auto result = RunDancu(args, options);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return result;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

json Resident(const std::string& citizen_no, const std::string& name, const std::string& birth, const std::string& sex) {
  return {{"citizen_no", citizen_no}, {"full_name", name}, {"birth_date", birth}, {"sex", sex}, {"ethnicity", 1},
          {"nationality", "VN"}, {"hometown", {{"unit", "00715"}}},
          {"permanent_residence", {{"unit", "00715"}, {"address", "Thôn 1"}}}, {"home_unit", "00715"},
          {"household", {{"id", "HK" + citizen_no}, {"relationship", "head"}}}};
}

// A server that refuses a body closes the connection while the client still writes it (TLS
// writes through OpenSSL, without MSG_NOSIGNAL): that must fail the write, not kill the test.
const bool kIgnoreSigpipe = [] {
  ::signal(SIGPIPE, SIG_IGN);
  return true;
}();

// An agency: its key, and the policy it is registered with.
struct Agency {
  storage::SigningKey key = storage::SigningKey::Generate();
  std::string id() const { return storage::IdHex(node::AgencyIdOf(key.public_key())); }
};

// A node's directory made with the CLI, an officer, a TLS certificate, and agencies registered.
class Registry {
 public:
  Registry() {
    RequireOk(std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
                           "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " + dir_.Sub("key.pem") +
                           " -out " + dir_.Sub("cert.pem") + " 2>/dev/null").c_str()));
  }
  static void RequireOk(int code) { REQUIRE(code == 0); }

  std::string Sub(const std::string& name) const { return dir_.Sub(name); }
  std::string cert() const { return dir_.Sub("cert.pem"); }
  std::vector<std::string> TlsArgs() const { return {"--tls-cert", cert(), "--tls-key", dir_.Sub("key.pem")}; }

  // `dancu init` of a node with officer op.a.
  std::string Init(const std::string& name, const std::string& role, const std::string& unit) {
    const std::string data = dir_.Sub(name);
    RunOk({"init", "--data", data, "--role", role, "--unit", unit});
    RunOk({"officer", "add", "--data", data, "--name", "op.a", "--role", role == "commune" ? "chief" : "operator"});
    return data;
  }
  static std::string RootKey(const std::string& central) {
    return json::parse(ReadFile(central + "/node.json"))["signing_key"].get<std::string>();
  }
  static void Register(const std::string& central, const Agency& agency, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"agency", "add", "--data", central, "--name", "Agency " + agency.id(),
                                     "--key", storage::ToHex(agency.key.public_key())};
    args.insert(args.end(), extra.begin(), extra.end());
    RunOk(args);
  }

 private:
  TempDir dir_;
};

// The URL `dancu serve` announced for --ida.
std::string IdaUrl(const ServeProcess& server) {
  std::smatch match;
  const std::string out = server.output();
  const std::regex announced(R"(serving agency verification on (https://[0-9.]+:[0-9]+))");
  REQUIRE(std::regex_search(out, match, announced));
  return match[1];
}

// An agency's client: signs and posts requests as the agency's own software would.
class Client {
 public:
  Client(const std::string& url, const Agency& agency) : http_(url), agency_(agency) {
    http_.enable_server_certificate_verification(false);
    http_.set_read_timeout(10s);
    http_.set_keep_alive(true);
    http_.set_tcp_nodelay(true);
  }
  httplib::Result Post(const std::string& path, const std::string& body, const std::string& signed_path = "",
                       const Agency* signer = nullptr) {
    const Agency& by = signer ? *signer : agency_;
    const storage::Signature sig = by.key.Sign(node::RequestSignedBytes(signed_path.empty() ? path : signed_path, body));
    return http_.Post(path, {{"X-Dancu-Agency", agency_.id()}, {"X-Dancu-Signature", storage::ToHex(sig)}}, body,
                      "application/json");
  }
  // A request about `citizen_no` with `claims`, a fresh transaction id and the time now.
  json Request(const std::string& citizen_no, json claims, const std::string& procedure = "p1") {
    return {{"transaction_id", "tx-" + std::to_string(++count_) + "-" + agency_.id()},
            {"time", storage::HybridClock::SystemMillis()},
            {"procedure", procedure},
            {"operator", "clerk.7"},
            {"consent", {{"mode", "signed-form"}, {"evidence_hash", std::string(64, 'a')}}},
            {"citizen_no", citizen_no},
            {"claims", std::move(claims)}};
  }
  httplib::Result Verify(const json& request) { return Post("/ida/v1/verify", request.dump()); }

 private:
  httplib::Client http_;
  const Agency& agency_;
  int count_ = 0;
};

json AllClaims() {
  return {{"full_name", {{"value", "Nguyễn Văn An"}, {"match", "exact"}}},
          {"birth_date", {{"value", "1985-03-07"}, {"precision", "day"}}},
          {"sex", "male"},
          {"alive", true}};
}

// The 200 answer of `res`, checked offline against `root`.
node::Answer Checked(const httplib::Result& res, const std::string& root_hex) {
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  const json body = json::parse(res->body);
  auto raw = [](const std::string& hex) {
    std::string out(hex.size() / 2, '\0');
    REQUIRE(storage::FromHex(hex, reinterpret_cast<uint8_t*>(out.data()), out.size()));
    return out;
  };
  storage::PublicKey root{};
  REQUIRE(storage::FromHex(root_hex, root.data(), root.size()));
  auto answer = node::VerifyAnswer(raw(body["answer"]), raw(body["chain"]), root);
  INFO(answer.status().ToString());
  REQUIRE(answer.ok());
  if (body.contains("decision")) CHECK(body["decision"] == (answer->yes ? "yes" : "no"));
  return *answer;
}

std::map<std::string, bool> Fields(const node::Answer& answer) {
  std::map<std::string, bool> out;
  for (const auto& [claim, match] : answer.fields) out[std::string(node::ClaimName(claim))] = match;
  return out;
}

std::string ErrorCode(const httplib::Result& res) {
  REQUIRE(res);
  json body = json::parse(res->body, nullptr, false);
  return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
}

// Central with An and Lan (deceased), and agencies registered; serve it with --ida over TLS.
struct World {
  Registry registry;
  std::string central = registry.Init("central", "central", "VN");
  std::string root = Registry::RootKey(central);
  Agency full, plain, narrow, revoked, expired, slow;

  World() {
    RunOk({"resident", "add", "--data", central, Resident(kAn, "Nguyễn Văn An", "1985-03-07", "male").dump()});
    auto lan = RunOk({"resident", "add", "--data", central, "--json",
                      Resident(kLan, "Trần Thị Lan", "1985-11", "female").dump()});
    RunOk({"resident", "death", "--data", central, json::parse(lan.out)["id"].get<std::string>()});
    const std::vector<std::string> all = {"--procedures", "p1,p2", "--fields", "full_name,birth_date,sex,alive"};
    auto with = [&](std::vector<std::string> extra) {
      extra.insert(extra.begin(), all.begin(), all.end());
      return extra;
    };
    Registry::Register(central, full, with({"--per-field-results", "--rate", "1000", "--per-citizen", "1000"}));
    Registry::Register(central, plain, with({"--rate", "1000", "--per-citizen", "1000"}));
    Registry::Register(central, narrow, {"--procedures", "p1", "--fields", "birth_date", "--rate", "1000"});
    Registry::Register(central, revoked, with({}));
    RunOk({"agency", "revoke", "--data", central, "--agency", revoked.id()});
    Registry::Register(central, slow, with({"--rate", "20", "--per-citizen", "3"}));
    AddExpired();
  }

  // A credential whose validity ended yesterday, made with central's root key.
  void AddExpired() {
    auto node = node::Node::Open(central, node::KeyAccess::kSign, std::nullopt);
    REQUIRE(node.ok());
    node::AgencyPolicy policy;
    policy.name = "Expired";
    policy.key = expired.key.public_key();
    policy.procedures = {"p1"};
    policy.claims = {schema::Claim::BIRTH_DATE};
    policy.rate_per_second = policy.per_citizen_per_hour = 100;
    const uint64_t now = storage::HybridClock::SystemMillis();
    policy.valid_from = policy.issued_at = now - 3 * 86'400'000ull;
    policy.valid_until = now - 86'400'000ull;
    auto added = (*node)->agencies().Add(node::MakeAgencyCredential(**(*node)->signing_key(), policy));
    REQUIRE(added.ok());
  }

  json Audit() { return json::parse(RunOk({"agency", "audit", "--data", central, "--json"}).out)["entries"]; }
};

TEST_CASE("agency_verify: yes, each mismatch, an unknown number answered as a mismatch, signed and checked offline") {
  World world;
  ServeProcess server(world.central, [&] {
    auto args = world.registry.TlsArgs();
    args.insert(args.begin(), {"--ida", "127.0.0.1:0"});
    return args;
  }());
  Client full(IdaUrl(server), world.full), plain(IdaUrl(server), world.plain);

  auto yes = Checked(full.Verify(full.Request(kAn, AllClaims())), world.root);
  CHECK(yes.yes);
  CHECK(Fields(yes) == std::map<std::string, bool>{{"full_name", true}, {"birth_date", true}, {"sex", true}, {"alive", true}});

  // Each claim wrong in turn: no, and per-field results name that claim only.
  const std::vector<std::pair<std::string, json>> wrong = {
      {"full_name", {{"value", "Nguyễn Văn Anh"}, {"match", "exact"}}},
      {"birth_date", {{"value", "1985-03-08"}, {"precision", "day"}}},
      {"sex", "female"},
      {"alive", false}};
  for (const auto& [field, value] : wrong) {
    json claims = AllClaims();
    claims[field] = value;
    auto no = Checked(full.Verify(full.Request(kAn, claims)), world.root);
    INFO(field);
    CHECK_FALSE(no.yes);
    for (const auto& [name, match] : Fields(no)) CHECK(match == (name != field));
  }
  // Match modes and precisions.
  auto folded = full.Request(kAn, {{"full_name", {{"value", "NGUYEN van an"}, {"match", "folded"}}}});
  CHECK(Checked(full.Verify(folded), world.root).yes);
  auto fuzzy = full.Request(kAn, {{"full_name", {{"value", "Nguyen Van Ann"}, {"match", "fuzzy"}, {"min_score", 0.85}}}});
  CHECK(Checked(full.Verify(fuzzy), world.root).yes);
  auto too_fuzzy = full.Request(kAn, {{"full_name", {{"value", "Nguyen Thi Binh"}, {"match", "fuzzy"}}}});
  CHECK_FALSE(Checked(full.Verify(too_fuzzy), world.root).yes);
  auto exact_needs_marks = full.Request(kAn, {{"full_name", {{"value", "Nguyen Van An"}, {"match", "exact"}}}});
  CHECK_FALSE(Checked(full.Verify(exact_needs_marks), world.root).yes);
  CHECK(Checked(full.Verify(full.Request(kLan, {{"birth_date", {{"value", "1985-11"}, {"precision", "month"}}}})),
                world.root).yes);
  CHECK_FALSE(Checked(full.Verify(full.Request(kLan, {{"birth_date", {{"value", "1985-11-02"}, {"precision", "day"}}}})),
                      world.root).yes);  // the record knows only the month
  CHECK(Checked(full.Verify(full.Request(kLan, {{"alive", false}})), world.root).yes);

  // An unknown number: the same shape as a mismatch, every field false, a token all the same.
  auto mismatch = full.Verify(full.Request(kAn, {{"full_name", {{"value", "Lê Văn Tám"}}}, {"sex", "male"}}));
  auto unknown = full.Verify(full.Request(kUnknown, {{"full_name", {{"value", "Lê Văn Tám"}}}, {"sex", "male"}}));
  auto a = Checked(mismatch, world.root), b = Checked(unknown, world.root);
  CHECK_FALSE(b.yes);
  CHECK(Fields(b) == std::map<std::string, bool>{{"full_name", false}, {"sex", false}});
  CHECK(a.fields.size() == b.fields.size());
  const json body_a = json::parse(mismatch->body), body_b = json::parse(unknown->body);
  std::set<std::string> keys_a, keys_b;
  for (auto it = body_a.begin(); it != body_a.end(); ++it) keys_a.insert(it.key());
  for (auto it = body_b.begin(); it != body_b.end(); ++it) keys_b.insert(it.key());
  CHECK(keys_a == keys_b);
  CHECK(mismatch->status == unknown->status);

  // No record field ever leaves: not in a yes, not in a no.
  for (const auto& body : {mismatch->body, unknown->body, full.Verify(full.Request(kAn, AllClaims()))->body}) {
    CHECK(body.find("Nguy") == std::string::npos);
    CHECK(body.find("1985") == std::string::npos);
    CHECK(body.find(kAn) == std::string::npos);
  }

  // Without per-field results: the decision only. Tokens differ between agencies, not between requests.
  auto plain_no = Checked(plain.Verify(plain.Request(kAn, {{"sex", "female"}})), world.root);
  CHECK_FALSE(plain_no.yes);
  CHECK(plain_no.fields.empty());
  CHECK(plain_no.token != yes.token);
  CHECK(Checked(full.Verify(full.Request(kAn, {{"sex", "male"}})), world.root).token == yes.token);
  CHECK(yes.data_as_of == yes.answered_at);  // central's data is always current

  // A tampered answer does not verify.
  json body = json::parse(full.Verify(full.Request(kAn, AllClaims()))->body);
  std::string answer_hex = body["answer"];
  answer_hex[answer_hex.size() - 3] = answer_hex[answer_hex.size() - 3] == '0' ? '1' : '0';
  std::string answer(answer_hex.size() / 2, '\0'), chain(body["chain"].get<std::string>().size() / 2, '\0');
  REQUIRE(storage::FromHex(answer_hex, reinterpret_cast<uint8_t*>(answer.data()), answer.size()));
  REQUIRE(storage::FromHex(body["chain"].get<std::string>(), reinterpret_cast<uint8_t*>(chain.data()), chain.size()));
  storage::PublicKey root{};
  REQUIRE(storage::FromHex(world.root, root.data(), root.size()));
  CHECK_FALSE(node::VerifyAnswer(answer, chain, root).ok());

  // The officer helping An sees who verified him and when, never the token or the claims.
  ConsoleClient officer(server);
  REQUIRE(officer.Login(json{{"officer", "op.a"}, {"password", kPassword}}.dump())->status == 200);
  const json seen = ExpectJson(officer.Get(std::string("/api/residents/") + kAn + "/verifications"), 200);
  REQUIRE(seen["verifications"].size() == 14);  // every answer about An
  CHECK(seen["verifications"][0]["agency"] == "Agency " + world.full.id());
  CHECK(seen["verifications"][0]["procedure"] == "p1");
  CHECK(seen["verifications"][0]["decision"] == "yes");  // the newest first
  CHECK(seen.dump().find(storage::ToHex(yes.token)) == std::string::npos);
  CHECK(ExpectJson(officer.Get(std::string("/api/residents/") + kLan + "/verifications"), 200)["verifications"].size() == 3);
  REQUIRE(server.Stop() == 0);

  // Every answered transaction is in the audit, with its outcome.
  int yes_count = 0, no_count = 0;
  for (const json& e : world.Audit()) {
    CHECK(e["operator"] == "clerk.7");
    yes_count += e["outcome"] == "yes";
    no_count += e["outcome"] == "no";
  }
  CHECK(yes_count == 8);
  CHECK(no_count == 10);
}

TEST_CASE("agency_refusals: revoked, expired, forbidden, replayed, stale, malformed, oversized, forged") {
  World world;
  auto args = world.registry.TlsArgs();
  args.insert(args.begin(), {"--ida", "127.0.0.1:0"});
  ServeProcess server(world.central, args);
  const std::string url = IdaUrl(server);
  Client full(url, world.full), narrow(url, world.narrow), revoked(url, world.revoked), expired(url, world.expired);

  auto res = revoked.Verify(revoked.Request(kAn, AllClaims()));
  CHECK(res->status == 403);
  CHECK(ErrorCode(res) == "revoked");
  res = expired.Verify(expired.Request(kAn, {{"birth_date", {{"value", "1985"}, {"precision", "year"}}}}));
  CHECK(res->status == 403);
  CHECK(ErrorCode(res) == "expired");
  res = narrow.Verify(narrow.Request(kAn, {{"sex", "male"}}));
  CHECK(res->status == 403);
  CHECK(ErrorCode(res) == "claim_not_allowed");
  res = narrow.Verify(narrow.Request(kAn, {{"birth_date", {{"value", "1985"}, {"precision", "year"}}}}, "p2"));
  CHECK(res->status == 403);
  CHECK(ErrorCode(res) == "procedure_not_allowed");
  CHECK(Checked(narrow.Verify(narrow.Request(kAn, {{"birth_date", {{"value", "1985"}, {"precision", "year"}}}})),
                world.root).yes);

  // Replay: the same transaction id again, even with another body.
  json request = full.Request(kAn, AllClaims());
  Checked(full.Verify(request), world.root);
  res = full.Verify(request);
  CHECK(res->status == 409);
  CHECK(ErrorCode(res) == "replayed");
  request["claims"] = {{"sex", "male"}};
  CHECK(full.Verify(request)->status == 409);

  // Stale and future times.
  for (int64_t offset : {-6 * 60'000, 6 * 60'000}) {
    json stale = full.Request(kAn, AllClaims());
    stale["time"] = static_cast<uint64_t>(static_cast<int64_t>(stale["time"].get<uint64_t>()) + offset);
    res = full.Verify(stale);
    CHECK(res->status == 400);
    CHECK(ErrorCode(res) == "stale");
  }

  // Malformed bodies, signed properly.
  for (const std::string& body :
       {std::string("not json"), std::string("[]"), std::string("{}"),
        full.Request(kAn, json::object()).dump(), full.Request(kAn, {{"height", 170}}).dump(),
        full.Request(kAn, {{"sex", "other"}}).dump(),
        full.Request(kAn, {{"birth_date", {{"value", "1985"}, {"precision", "day"}}}}).dump()}) {
    res = full.Post("/ida/v1/verify", body);
    INFO(body);
    CHECK(res->status == 400);
    CHECK(ErrorCode(res) == "malformed");
  }
  // Oversized: refused before it is read.
  json big = full.Request(kAn, AllClaims());
  big["padding"] = std::string(20'000, 'x');
  {
    Client once(url, world.full);  // the server closes this connection after its answer
    res = once.Post("/ida/v1/verify", big.dump());
    REQUIRE(res);
    CHECK(res->status == 413);
  }

  // Forged: another key's signature, a signature over another path, no signature, unknown agency.
  Agency stranger;
  const json honest = full.Request(kAn, AllClaims());
  CHECK(full.Post("/ida/v1/verify", honest.dump(), "", &stranger)->status == 401);
  CHECK(full.Post("/ida/v1/verify", honest.dump(), "/ida/v1/receipt")->status == 401);
  json altered = honest;
  CHECK(full.Post("/ida/v1/verify", honest.dump())->status == 200);
  altered["transaction_id"] = "tx-altered";
  {
    httplib::Client raw(url);
    raw.enable_server_certificate_verification(false);
    const storage::Signature sig = world.full.key.Sign(node::RequestSignedBytes("/ida/v1/verify", honest.dump()));
    auto r = raw.Post("/ida/v1/verify", {{"X-Dancu-Agency", world.full.id()}, {"X-Dancu-Signature", storage::ToHex(sig)}},
                      altered.dump(), "application/json");
    CHECK(r->status == 401);
    CHECK(raw.Post("/ida/v1/verify", altered.dump(), "application/json")->status == 401);
  }
  Client nobody(url, stranger);
  CHECK(nobody.Verify(nobody.Request(kAn, AllClaims()))->status == 401);

  // A receipt of a past transaction, signed like the answer; none for a transaction never answered.
  json receipt = {{"transaction_id", honest["transaction_id"]}, {"time", storage::HybridClock::SystemMillis()}};
  auto got = Checked(full.Post("/ida/v1/receipt", receipt.dump()), world.root);
  CHECK(got.transaction_id == honest["transaction_id"]);
  CHECK(got.yes);
  receipt["transaction_id"] = "tx-never";
  CHECK(full.Post("/ida/v1/receipt", receipt.dump())->status == 404);
  REQUIRE(server.Stop() == 0);

  // Refusals of an authenticated agency are audited with their outcome; forged requests are not.
  std::map<std::string, int> outcomes;
  for (const json& e : world.Audit()) ++outcomes[e["outcome"].get<std::string>()];
  CHECK(outcomes["forbidden"] == 4);
  CHECK(outcomes["replayed"] == 2);
  CHECK(outcomes["stale"] == 2);
  CHECK(outcomes["yes"] == 3);
}

TEST_CASE("agency_rate_limits: per citizen and per agency with Retry-After; an enumeration is blocked and audited") {
  World world;
  auto args = world.registry.TlsArgs();
  args.insert(args.begin(), {"--ida", "127.0.0.1:0"});
  ServeProcess server(world.central, args);
  Client slow(IdaUrl(server), world.slow);

  // One citizen: 3 an hour.
  for (int i = 0; i < 3; ++i) Checked(slow.Verify(slow.Request(kAn, {{"sex", "male"}})), world.root);
  auto res = slow.Verify(slow.Request(kAn, {{"sex", "male"}}));
  CHECK(res->status == 429);
  CHECK(ErrorCode(res) == "rate_limited");
  CHECK(std::stoi(res->get_header_value("Retry-After")) > 60);

  // An enumeration: a thousand numbers as fast as the agency can send them, 20 a second allowed.
  constexpr int kEnumeration = 1000;
  std::this_thread::sleep_for(1s);  // a full bucket
  const auto start = std::chrono::steady_clock::now();
  int answered = 0, limited = 0;
  for (int i = 0; i < kEnumeration; ++i) {
    char number[16];
    std::snprintf(number, sizeof number, "0010850%05d", i);
    res = slow.Verify(slow.Request(number, {{"sex", "male"}}));
    REQUIRE(res);
    if (res->status == 200) ++answered;
    if (res->status == 429) {
      ++limited;
      CHECK(res->has_header("Retry-After"));
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(answered + limited == kEnumeration);
  CHECK(answered <= 20 + static_cast<int>(seconds * 20) + 1);
  CHECK(limited >= kEnumeration - 20 - static_cast<int>(seconds * 20) - 1);
  REQUIRE(server.Stop() == 0);

  // The audit shows the attempt: every refused request, with the agency and a distinct token.
  int audited_limited = 0;
  std::set<std::string> tokens;
  for (const json& e : world.Audit()) {
    if (e["agency"] != world.slow.id() || e["outcome"] != "rate_limited") continue;
    ++audited_limited;
    tokens.insert(e["token"].get<std::string>());
  }
  CHECK(audited_limited == limited + 1);
  CHECK(tokens.size() >= static_cast<size_t>(limited) - 1);
}

TEST_CASE("agency_rate_limits: a restarted node rebuilds its limits from the audit, so an exhausted one still refuses") {
  World world;
  auto args = world.registry.TlsArgs();
  args.insert(args.begin(), {"--ida", "127.0.0.1:0"});
  {
    ServeProcess server(world.central, args);
    Client slow(IdaUrl(server), world.slow);
    for (int i = 0; i < 3; ++i) Checked(slow.Verify(slow.Request(kAn, {{"sex", "male"}})), world.root);
    CHECK(slow.Verify(slow.Request(kAn, {{"sex", "male"}}))->status == 429);
    REQUIRE(server.Stop() == 0);
  }
  ServeProcess server(world.central, args);
  Client slow(IdaUrl(server), world.slow);
  auto after_restart = [&](const std::string& citizen_no, json claims) {  // ids the first run did not use
    json request = slow.Request(citizen_no, std::move(claims));
    request["transaction_id"] = "restarted-" + request["transaction_id"].get<std::string>();
    return request;
  };
  auto res = slow.Verify(after_restart(kAn, {{"sex", "male"}}));
  REQUIRE(res);
  CHECK(res->status == 429);
  CHECK(ErrorCode(res) == "rate_limited");
  CHECK(std::stoi(res->get_header_value("Retry-After")) > 60);
  // Another citizen is still answered: the agency's own rate was not used up.
  Checked(slow.Verify(after_restart(kLan, {{"sex", "female"}})), world.root);
  REQUIRE(server.Stop() == 0);
}

// `dancu serve --listen` on `data` (and its console on a free port); its replication address.
std::string ListenAddress(const ServeProcess& server) {
  std::smatch match;
  const std::string out = server.output();
  REQUIRE(std::regex_search(out, match, std::regex(R"(replication listening on (tcp://[0-9.]+:[0-9]+))")));
  return match[1];
}

TEST_CASE("agency_tree: registered at central, verified at a province hub cut off from central, audited at central after the next sync") {
  Registry registry;
  const std::string central = registry.Init("central", "central", "VN");
  const std::string hub = registry.Init("hub", "province", "02");
  RunOk({"cert", "request", "--data", hub, "--out", hub + ".req"});
  RunOk({"cert", "issue", "--data", central, "--request", hub + ".req", "--out", hub + ".cert"});
  RunOk({"cert", "install", "--data", hub, hub + ".cert"});
  RunOk({"resident", "add", "--data", hub, Resident(kAn, "Nguyễn Văn An", "1985-03-07", "male").dump()});
  const std::string root = Registry::RootKey(central);
  const std::string hub_id = json::parse(ReadFile(hub + "/node.json"))["node_id"].get<std::string>();

  Agency agency;
  Registry::Register(central, agency, {"--procedures", "p1", "--fields", "full_name,birth_date"});
  const std::string key_file = registry.Sub("agency.key");
  std::ofstream(key_file) << storage::ToHex(agency.key.seed()) << "\n";

  // The hub syncs once with central: the credential comes down with the reference data.
  std::string central_address;
  {
    ServeProcess up(central, {"--listen", "tcp://127.0.0.1:0"});
    central_address = ListenAddress(up);
    RunOk({"sync", "--data", hub, "--peer", central_address, "--timeout", "30"});
    REQUIRE(up.Stop() == 0);
  }
  CHECK_THAT(RunOk({"agency", "list", "--data", hub}).out, Catch::Contains(agency.id()));

  // Central is gone; the hub answers from its own replica, trying to reach its parent meanwhile.
  auto args = registry.TlsArgs();
  args.insert(args.begin(), {"--ida", "127.0.0.1:0", "--parent", central_address, "--sync-interval", "0.5"});
  ServeProcess hub_server(hub, args);
  const std::string request_file = registry.Sub("request.json");
  std::ofstream(request_file) << json{{"transaction_id", "tx-done-when"},
                                      {"procedure", "p1"},
                                      {"operator", "clerk.7"},
                                      {"consent", {{"mode", "signed-form"}, {"evidence_hash", std::string(64, 'b')}}},
                                      {"citizen_no", kAn},
                                      {"claims", {{"full_name", {{"value", "nguyen van an"}, {"match", "folded"}}},
                                                  {"birth_date", {{"value", "1985"}, {"precision", "year"}}}}}}
                                      .dump();
  const std::string saved = registry.Sub("answer.json");
  auto verified = RunOk({"agency", "verify", "--url", IdaUrl(hub_server), "--agency-key", key_file, "--root", root,
                         "--ca", registry.cert(), "--request", request_file, "--save", saved, "--json"});
  const json answer = json::parse(verified.out);
  CHECK(answer["decision"] == "yes");
  CHECK(answer["node"] == hub_id);
  CHECK(answer["data_as_of"].get<uint64_t>() > 0);  // the last sync with central, before the cut
  CHECK(answer["data_as_of"].get<uint64_t>() < answer["answered_at"].get<uint64_t>());
  CHECK(answer["fields"].empty());                   // no per-field results for this agency

  // Offline, later, anywhere: the saved answer checks against the national root.
  auto checked = RunOk({"agency", "check", saved, "--root", root, "--json"});
  CHECK(json::parse(checked.out)["decision"] == "yes");
  auto other_root = RunDancu({"agency", "check", saved, "--root", std::string(64, '1')});
  CHECK(other_root.exit_code == 1);
  auto audit_at = [&](const std::string& data) {
    return json::parse(RunOk({"agency", "audit", "--data", data, "--json"}).out)["entries"];
  };
  CHECK(audit_at(central).empty());

  // Central comes back on its address; the hub's next session takes its audit up.
  ServeProcess back(central, {"--listen", central_address});
  json entries;
  for (auto deadline = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < deadline;) {
    entries = audit_at(central);
    if (!entries.empty()) break;
    std::this_thread::sleep_for(200ms);
  }
  REQUIRE(entries.size() == 1);
  CHECK(entries[0]["node"] == hub_id);
  CHECK(entries[0]["agency"] == agency.id());
  CHECK(entries[0]["transaction_id"] == "tx-done-when");
  CHECK(entries[0]["outcome"] == "yes");
  CHECK(entries[0]["operator"] == "clerk.7");
  CHECK(entries[0]["token"] == answer["token"]);
  CHECK(entries[0]["request_hash"] == answer["request_hash"]);
  REQUIRE(back.Stop() == 0);
  REQUIRE(hub_server.Stop() == 0);
}

}  // namespace
}  // namespace dancu::testing
