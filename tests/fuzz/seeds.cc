// fuzz_seeds DIR: writes the seed corpus of every fuzzer of tests/fuzz, DIR/<fuzzer>/<name>, from
// the encoders themselves (nothing binary is checked in): a few valid inputs of each decoder, so
// that the fuzzers start from bytes that pass the first checks. Deterministic but for the salt
// and nonce of the sealed key file. Exit 1 on an encoder error.
#include <capnp/message.h>
#include <glib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/card/dg13.h"
#include "devices/card/lds.h"
#include "devices/identify/template.h"
#include "node/agencies.h"
#include "node/audit_log.h"
#include "node/certificates.h"
#include "node/ida_protocol.h"
#include "node/key_file.h"
#include "node/node_config.h"
#include "replication/bundle.capnp.h"
#include "replication/bundle.h"
#include "replication/messages.h"
#include "replication/segment.h"
#include "replication/zstd_frame.h"
#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/log_format.h"
#include "storage/merkle.h"
#include "tests/fuzz/seed_origin.h"
#include "tools/fixtures/sample_photo.h"

namespace dancu::fuzz {
namespace {

namespace fs = std::filesystem;
using storage::merkle::LeafHash;

fs::path g_dir;

void Write(const std::string& fuzzer, const std::string& name, std::string_view bytes) {
  fs::create_directories(g_dir / fuzzer);
  std::ofstream out(g_dir / fuzzer / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "fuzz_seeds: cannot write %s/%s\n", fuzzer.c_str(), name.c_str());
    std::exit(1);
  }
}

void Check(const Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "fuzz_seeds: %s: %s\n", what, status.ToString().c_str());
    std::exit(1);
  }
}

template <typename T>
T Must(Result<T> result, const char* what) {
  Check(result.status(), what);
  return std::move(result.value());
}

// The canonical LogEntry of the seed origin's change `seq`: a resident created by an officer.
std::string Entry(uint64_t origin, uint64_t seq) {
  capnp::MallocMessageBuilder message;
  auto change = message.initRoot<schema::LogEntry>().initChange();
  change.setOrigin(origin);
  change.setSeq(seq);
  change.setHlc(kSeedNowMs << 16);
  change.setOfficer("officer.a");
  change.setRecordId("r" + std::to_string(seq));
  change.setOperation(schema::Operation::CREATE);
  change.initFields(1).set(0, 1);
  change.initValues().setFullName("Nguyễn Văn An");
  return storage::Canonicalize(message.getRoot<schema::LogEntry>().asReader());
}

// The seed origin's segment of seqs first..last, in a log of `last` entries.
replication::SegmentData Segment(const storage::SigningKey& key, uint64_t first, uint64_t last) {
  std::vector<std::string> entries;
  std::vector<storage::Hash256> leaves;
  for (uint64_t seq = 1; seq <= last; ++seq) {
    entries.push_back(Entry(key.node_id(), seq));
    leaves.push_back(LeafHash(entries.back()));
  }
  const auto lookup = storage::merkle::LookupOverLeaves(leaves);
  const auto root = Must(storage::merkle::RangeHash(0, last, lookup), "root");
  std::vector<uint64_t> indices;
  std::vector<std::string_view> run;
  for (uint64_t seq = first; seq <= last; ++seq) {
    indices.push_back(seq - 1);
    run.push_back(entries[seq - 1]);
  }
  const auto proof = Must(storage::merkle::InclusionProof(last, indices, lookup), "proof");
  return Must(replication::MakeSegment(key.node_id(), first, run, storage::EncodeCheckpoint(key, last, root),
                                       storage::PackHashes(proof)),
              "segment");
}

std::string WireSegment(const replication::SegmentData& segment) {
  capnp::MallocMessageBuilder message;
  replication::ToWire(segment, message.initRoot<wire::Segment>());
  return storage::Canonicalize(message.getRoot<wire::Segment>().asReader());
}

// A node of `role` for `unit` whose keys come from `seed_byte`.
struct SeedNode {
  node::NodeConfig config;
  node::NodeSecrets secrets;
};
SeedNode MakeNode(uint8_t seed_byte, schema::Role role, const std::string& unit) {
  storage::Seed seed;
  seed.fill(seed_byte);
  std::array<uint8_t, 32> curve{};
  curve.fill(static_cast<uint8_t>(seed_byte + 1));
  node::DataKey data_key{};
  SeedNode n{{}, node::NodeSecrets(storage::SigningKey::FromSeed(seed), curve, data_key)};
  n.config.node_id = n.secrets.signing.node_id();
  n.config.role = role;
  n.config.unit = unit;
  n.config.signing_key = n.secrets.signing.public_key();
  n.config.curve_key = n.secrets.curve_public;
  return n;
}

// The seed origin's bundle for `recipient`, holding `segments` and signed with `key`.
std::string Bundle(const storage::SigningKey& key, const std::string& chain,
                   const std::vector<replication::SegmentData>& segments) {
  capnp::MallocMessageBuilder message;
  auto body = message.initRoot<wire::BundleBody>();
  body.setSender(key.node_id());
  body.setRecipient(42);
  body.setCreatedAt(kSeedNowMs);
  body.setSenderChain(kj::arrayPtr(reinterpret_cast<const capnp::byte*>(chain.data()), chain.size()));
  auto versions = body.initVersions(1);
  versions[0].setOrigin(key.node_id());
  versions[0].setSeq(3);
  auto list = body.initSegments(static_cast<unsigned>(segments.size()));
  for (unsigned i = 0; i < segments.size(); ++i) replication::ToWire(segments[i], list[i]);
  const std::string canonical = storage::Canonicalize(body.asReader());
  const auto signature = key.Sign(std::string(replication::kBundleDomain) + canonical);
  std::string file(replication::kBundleMagic);
  for (int shift = 0; shift < 32; shift += 8) file.push_back(static_cast<char>(wire::BUNDLE_FORMAT_VERSION >> shift));
  file.append(4, '\0');
  file.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return file + canonical;
}

// libfprint's serialised print of an image device: "FP3" + (issbymsmsia{sv}v) with NBIS columns.
std::string Print() {
  const gint32 x[] = {10, 40, 90}, y[] = {20, 60, 120}, t[] = {0, 90, 275};
  auto column = [](const gint32* c) { return g_variant_new_fixed_array(G_VARIANT_TYPE_INT32, c, 3, sizeof(gint32)); };
  GVariant* view = g_variant_new("(@ai@ai@ai)", column(x), column(y), column(t));
  GVariant* data = g_variant_new("(@a(aiaiai))", g_variant_new_array(G_VARIANT_TYPE("(aiaiai)"), &view, 1));
  GVariant* print = g_variant_ref_sink(g_variant_new("(issbymsmsia{sv}v)", 2, "virtual_image", "0", FALSE,
                                                     static_cast<guchar>(7), nullptr, nullptr, 0, nullptr, data));
  std::string out = "FP3";
  out.append(static_cast<const char*>(g_variant_get_data(print)), g_variant_get_size(print));
  g_variant_unref(print);
  return out;
}

// The signed body of `signed_bytes`, a canonical T whose body field `get_body` reads.
template <typename T, typename GetBody>
std::string BodyOf(const std::string& signed_bytes, GetBody get_body) {
  auto parsed = Must(storage::Parsed<T>::Parse(signed_bytes, "signed"), "signed");
  return std::string(storage::AsView(get_body(parsed.get())));
}

// A credential of an agency whose key comes from `seed_byte`, signed by the seed origin.
std::string Credential(uint8_t seed_byte, bool revoked) {
  storage::Seed seed;
  seed.fill(seed_byte);
  node::AgencyPolicy policy;
  policy.name = "Bảo hiểm xã hội";
  policy.key = storage::SigningKey::FromSeed(seed).public_key();
  policy.procedures = {"1.001234", "2.000001"};
  policy.claims = {schema::Claim::FULL_NAME, schema::Claim::BIRTH_DATE, schema::Claim::ALIVE};
  policy.per_field_results = true;
  policy.rate_per_second = 50;
  policy.per_citizen_per_hour = 10;
  policy.valid_from = policy.issued_at = kSeedNowMs;
  policy.valid_until = kSeedNowMs + 365ull * 24 * 3600 * 1000;
  policy.token_salt.fill(0x42);
  policy.revoked = revoked;
  return node::MakeAgencyCredential(SeedOriginKey(), policy);
}

// The seed origin's first audit batch: two entries, signed.
std::string AuditBatch() {
  const storage::SigningKey key = SeedOriginKey();
  capnp::MallocMessageBuilder message;
  auto batch = message.initRoot<schema::AuditBatch>();
  batch.setOrigin(key.node_id());
  batch.setSeq(1);
  const std::string zeros(32, '\0'), token(32, '\x07');
  auto bytes = [](const std::string& s) { return kj::arrayPtr(reinterpret_cast<const kj::byte*>(s.data()), s.size()); };
  batch.setPrevHash(bytes(zeros));
  auto entries = batch.initEntries(2);
  for (unsigned i = 0; i < 2; ++i) {
    entries[i].setAgencyId(0x1234567890abcdefull);
    entries[i].setTransactionId("bhxh-2026-00012" + std::to_string(i));
    entries[i].setProcedure("1.001234");
    entries[i].setOperator("can.bo.7");
    entries[i].setToken(bytes(token));
    entries[i].setOutcome(i == 0 ? schema::AuditOutcome::YES : schema::AuditOutcome::RATE_LIMITED);
    entries[i].setRequestHash(bytes(token));
    entries[i].setAt(kSeedNowMs + i);
    entries[i].setConsentMode("signed-form");
    entries[i].setConsentHash(bytes(zeros));
  }
  const std::string body = storage::Canonicalize(batch.asReader());
  const storage::Signature sig = key.Sign(std::string(node::kAuditDomain) + body);
  capnp::MallocMessageBuilder out;
  auto signed_batch = out.initRoot<schema::SignedAuditBatch>();
  signed_batch.setBatch(bytes(body));
  signed_batch.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  return storage::Canonicalize(signed_batch.asReader());
}

// fuzz_ida_answer's input: mode, the answer's length (2 bytes, big-endian), the answer, the chain.
std::string AnswerInput(char mode, const std::string& answer, const std::string& chain) {
  std::string input(1, mode);
  input.push_back(static_cast<char>(answer.size() >> 8));
  input.push_back(static_cast<char>(answer.size() & 0xff));
  return input + answer + chain;
}

void WriteAll() {
  const storage::SigningKey key = SeedOriginKey();
  const auto whole = Segment(key, 1, 3), tail = Segment(key, 2, 3);
  Write("fuzz_segment", "whole", WireSegment(whole));
  Write("fuzz_segment", "tail", WireSegment(tail));

  // Central (the seed origin's key) and a province it certifies.
  const SeedNode central = MakeNode(0x5e, schema::Role::CENTRAL, "0");
  const std::string root_chain = node::MakeRootChain(central.config, central.secrets, kSeedNowMs, 365);
  const SeedNode province = MakeNode(0x11, schema::Role::PROVINCE, "01");
  const std::string province_chain =
      Must(node::IssueCertificate(central.config, central.secrets, root_chain,
                                  node::MakeCertificateRequest(province.config), kSeedNowMs, 365),
           "certificate");
  Write("fuzz_certificates", "root", root_chain);
  Write("fuzz_certificates", "province", province_chain);

  Write("fuzz_message", "hello", replication::EncodeHello({key.node_id(), 3, "0", root_chain}));
  Write("fuzz_message", "versions", replication::EncodeVersionVector({{key.node_id(), 3}, {key.node_id() + 1, 9}}));
  Write("fuzz_message", "segment", replication::EncodeSegment(tail));
  Write("fuzz_message", "ack", replication::EncodeAck(key.node_id(), 3));
  Write("fuzz_message", "credit", replication::EncodeCredit(8));
  Write("fuzz_message", "reference", replication::EncodeReference({root_chain, province_chain}, {}));
  Write("fuzz_message", "lease_answer", replication::EncodeLeaseAnswer({"lease"}));
  Write("fuzz_message", "lease_request", replication::EncodeLeaseRequest("002", 1000));
  Write("fuzz_message", "done", replication::EncodeDone());
  Write("fuzz_message", "your_log", replication::EncodeYourLog(whole.checkpoint));
  Write("fuzz_message", "heartbeat", replication::EncodeHeartbeat());
  Write("fuzz_message", "error", replication::EncodeError(wire::ErrorCode::MALFORMED, "bad frame"));

  Write("fuzz_bundle", "two_segments", Bundle(key, root_chain, {whole, tail}));
  Write("fuzz_bundle", "empty", Bundle(key, root_chain, {}));

  Write("fuzz_zstd_frame", "entries", whole.entries);
  Write("fuzz_zstd_frame", "text", Must(replication::CompressFrame(std::string(300, 'a') + "dancu"), "frame"));
  Write("fuzz_zstd_frame", "empty", Must(replication::CompressFrame(""), "frame"));

  Write("fuzz_merkle", "small", std::string("\x01\x05\xff\x00\xaa\x55\x10\x20", 8));
  Write("fuzz_merkle", "hostile", std::string(200, '\x07'));

  Write("fuzz_record_json", "resident",
        R"({"citizen_no": "001085000001", "full_name": "Nguyễn Văn An", "other_names": ["An"], )"
        R"("birth_date": "1985-03-07", "sex": "male", "ethnicity": 1, "nationality": "VN", )"
        R"("hometown": {"unit": "00001"}, "permanent_residence": {"unit": "00001", "address": "Số 1 Phúc Xá"}, )"
        R"("household": {"id": "HK1", "relationship": "head"}})");
  Write("fuzz_record_json", "partial", R"({"full_name": "Vàng Seo Páo", "birth_date": "1990-05", "blood_type": "AB"})");

  const identify::Template t{
      400, 500, {{{10, 20, 0, identify::MinutiaType::kEnding}, {399, 499, 255, identify::MinutiaType::kBifurcation}}, {}}};
  auto template_bytes = identify::Serialize(t);
  if (!template_bytes.ok()) Check(Status::InvalidArgument(template_bytes.error().message), "template");
  Write("fuzz_template", "two_views", template_bytes.value());

  // Key files as WriteKeyFile writes them, plain and sealed.
  fs::create_directories(g_dir / "fuzz_key_file");
  for (const char* name : {"plain", "sealed"}) {
    const fs::path path = g_dir / "fuzz_key_file" / name;
    fs::remove(path);
    const auto passphrase = std::string_view(name) == "sealed" ? std::optional<std::string>("passphrase") : std::nullopt;
    Check(node::WriteKeyFile(path.string(), province.secrets, passphrase), "key file");
  }

  Write("fuzz_print", "nbis", Print());

  devices::card::CitizenData citizen;
  citizen.citizen_no = "001085012345";
  citizen.full_name = "Nguyễn Văn An";
  citizen.birth_date = "07/03/1985";
  citizen.father = "Nguyễn Văn Bình";
  citizen.mother = "Trần Thị Cúc";
  citizen.other[20] = {"extra"};
  const devices::card::Bytes dg13 = devices::card::EncodeDg13(citizen);
  Write("fuzz_card", "dg13", std::string_view(reinterpret_cast<const char*>(dg13.data()), dg13.size()));
  const devices::card::Bytes dg2 = devices::card::EncodeDg2({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0xFF, 0xD9});
  Write("fuzz_card", "dg2", std::string_view(reinterpret_cast<const char*>(dg2.data()), dg2.size()));

  Write("fuzz_photo", "jpeg", tools::fixtures::SamplePhoto(tools::fixtures::PhotoEncoding::kJpeg, 240, 240, 1));
  Write("fuzz_photo", "png", tools::fixtures::SamplePhoto(tools::fixtures::PhotoEncoding::kPng, 240, 240, 2));

  // Agency verification: credentials, audit batches, signed answers, requests. Each signed input is
  // written as is (mode byte 0) and as its body for the fuzzer to sign (mode byte 1).
  auto policy_of = [](schema::AgencyCredential::Reader c) { return c.getPolicy(); };
  for (const auto& [name, credential] : {std::pair{"active", Credential(0x21, false)}, {"revoked", Credential(0x22, true)}}) {
    Write("fuzz_agency_credential", name, std::string(1, '\0') + credential);
    Write("fuzz_agency_credential", std::string(name) + "_policy",
          "\x01" + BodyOf<schema::AgencyCredential>(credential, policy_of));
  }
  const std::string batch = AuditBatch();
  Write("fuzz_audit_batch", "two_entries", std::string(1, '\0') + batch);
  Write("fuzz_audit_batch", "two_entries_body",
        "\x01" + BodyOf<schema::SignedAuditBatch>(batch, [](auto b) { return b.getBatch(); }));
  Write("fuzz_message", "audit_held", replication::EncodeAuditHeld({{key.node_id(), 1}}));
  Write("fuzz_message", "audit", replication::EncodeAudit({batch}));

  node::Answer answer;
  answer.node = key.node_id();
  answer.agency_id = 0x1234567890abcdefull;
  answer.transaction_id = "bhxh-2026-000123";
  answer.yes = true;
  answer.fields = {{schema::Claim::FULL_NAME, true}, {schema::Claim::BIRTH_DATE, false}};
  answer.token.fill(0x07);
  answer.answered_at = kSeedNowMs;
  answer.data_as_of = kSeedNowMs - 3600 * 1000;
  answer.chain_hash = storage::Blake2b256(root_chain);
  const std::string signed_answer = node::SignAnswer(answer, key);
  Write("fuzz_ida_answer", "yes", AnswerInput('\0', signed_answer, root_chain));
  Write("fuzz_ida_answer", "yes_body",
        AnswerInput('\x01', BodyOf<schema::SignedAnswer>(signed_answer, [](auto a) { return a.getAnswer(); }),
                    root_chain));

  Write("fuzz_ida_request", "verify",
        R"({"transaction_id": "bhxh-2026-000123", "time": 1796291300957, "procedure": "1.001234", )"
        R"("operator": "can.bo.7", "consent": {"mode": "signed-form", "evidence_hash": )"
        R"("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}, "citizen_no": "001085000001", )"
        R"("claims": {"full_name": {"value": "Nguyễn Văn An", "match": "fuzzy", "min_score": 0.85}, )"
        R"("birth_date": {"value": "1985-03", "precision": "month"}, "sex": "male", "alive": true}})");
  Write("fuzz_ida_request", "receipt", R"({"transaction_id": "bhxh-2026-000123", "time": 1796291300957})");
}

}  // namespace
}  // namespace dancu::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds DIR\n");
    return 2;
  }
  dancu::fuzz::g_dir = argv[1];
  dancu::fuzz::WriteAll();
  return 0;
}
