// Node identity: key files, certificates up to central's root, officer accounts.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <capnp/any.h>
#include <capnp/message.h>

#include "node/certificates.h"
#include "node/leases.h"
#include "storage/canonical.h"
#include "node/files.h"
#include "node/key_file.h"
#include "node/node.h"
#include "node/officers.h"
#include "tests/support/test_node.h"

namespace dancu::node {
namespace {

using testing::TempDir;
constexpr uint64_t kNow = testing::kTestNowMs;

TEST_CASE("a key file round-trips, is private, and a sealed one needs the right passphrase") {
  TempDir dir;
  NodeSecrets secrets = NodeSecrets::Generate();
  REQUIRE(WriteKeyFile(dir.Sub("plain.key"), secrets, std::nullopt).ok());
  REQUIRE(WriteKeyFile(dir.Sub("sealed.key"), secrets, std::string("núi cao sông dài")).ok());

  struct stat st;
  REQUIRE(::stat(dir.Sub("sealed.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto plain = ReadKeyFile(dir.Sub("plain.key"), std::nullopt);
  REQUIRE(plain.ok());
  CHECK(plain->signing.public_key() == secrets.signing.public_key());
  CHECK(plain->curve_public == secrets.curve_public);

  auto sealed = ReadKeyFile(dir.Sub("sealed.key"), std::string("núi cao sông dài"));
  REQUIRE(sealed.ok());
  CHECK(sealed->signing.public_key() == secrets.signing.public_key());

  CHECK(ReadKeyFile(dir.Sub("sealed.key"), std::string("wrong")).status().code() ==
        Status::Code::kPermissionDenied);
  CHECK(ReadKeyFile(dir.Sub("sealed.key"), std::nullopt).status().code() ==
        Status::Code::kFailedPrecondition);
  // An existing key file is never overwritten.
  CHECK_FALSE(WriteKeyFile(dir.Sub("plain.key"), secrets, std::nullopt).ok());
}

TEST_CASE("a tampered sealed key file is refused") {
  TempDir dir;
  NodeSecrets secrets = NodeSecrets::Generate();
  REQUIRE(WriteKeyFile(dir.Sub("k"), secrets, std::string("passphrase")).ok());
  auto text = ReadWholeFile(dir.Sub("k"));
  REQUIRE(text.ok());
  size_t at = text->find("\"sealed\": \"") + 12;
  (*text)[at] = (*text)[at] == 'a' ? 'b' : 'a';
  REQUIRE(::chmod(dir.Sub("k").c_str(), 0600) == 0);
  REQUIRE(WriteFileAtomically(dir.Sub("k"), *text).ok());
  auto opened = ReadKeyFile(dir.Sub("k"), std::string("passphrase"));
  CHECK_FALSE(opened.ok());
  CHECK(ReadKeyFile(dir.Sub("missing"), std::nullopt).status().code() == Status::Code::kNotFound);
}

struct Tree {
  TempDir dir;
  NodeConfig central, district, commune;
  std::string central_chain, district_chain, commune_chain;

  static NodeConfig Make(const std::string& path, schema::Role role, const std::string& unit) {
    auto config = Node::Init({path, role, unit, std::nullopt, kNow});
    INFO(config.status().ToString());
    REQUIRE(config.ok());
    return *config;
  }
  static NodeSecrets Secrets(const std::string& path) {
    auto s = ReadKeyFile(Node::KeyPath(path), std::nullopt);
    REQUIRE(s.ok());
    return std::move(s.value());
  }

  Tree() {
    central = Make(dir.Sub("central"), schema::Role::CENTRAL, "VN");
    district = Make(dir.Sub("district"), schema::Role::DISTRICT, "026");  // Huyện Đồng Văn
    commune = Make(dir.Sub("commune"), schema::Role::COMMUNE, "00715");   // Xã Lũng Cú
    central_chain = *ReadWholeFile(Node::ChainPath(dir.Sub("central")));
    auto issued = IssueCertificate(central, Secrets(dir.Sub("central")), central_chain,
                                   MakeCertificateRequest(district), kNow, 365);
    REQUIRE(issued.ok());
    district_chain = *issued;
    issued = IssueCertificate(district, Secrets(dir.Sub("district")), district_chain,
                              MakeCertificateRequest(commune), kNow, 365);
    REQUIRE(issued.ok());
    commune_chain = *issued;
  }
};

TEST_CASE("a commune's chain verifies up to central's pinned root") {
  Tree t;
  auto verified = VerifyChain(t.commune_chain, t.central.signing_key, kNow + 1000);
  INFO(verified.status().ToString());
  REQUIRE(verified.ok());
  CHECK(verified->length == 3);
  CHECK(verified->leaf_node_id == t.commune.node_id);
  CHECK(verified->root_key == t.central.signing_key);
  CHECK(t.commune_chain.size() < 2048);  // fits anywhere, a USB stick included
}

TEST_CASE("forged, expired and misdirected chains are refused") {
  Tree t;
  SECTION("another root") {
    TempDir other;
    auto fake_central = Tree::Make(other.Sub("c"), schema::Role::CENTRAL, "VN");
    CHECK_FALSE(VerifyChain(t.commune_chain, fake_central.signing_key, kNow).ok());
  }
  SECTION("expired") {
    CHECK_FALSE(VerifyChain(t.commune_chain, t.central.signing_key, kNow + 400ull * 86400 * 1000).ok());
  }
  SECTION("a flipped byte anywhere") {
    for (size_t i = 0; i < t.commune_chain.size(); i += 7) {
      std::string bad = t.commune_chain;
      bad[i] ^= 0x04;
      CHECK_FALSE(VerifyChain(bad, t.central.signing_key, kNow).ok());
    }
  }
  SECTION("a commune may not certify a district") {
    auto issued = IssueCertificate(t.commune, Tree::Secrets(t.dir.Sub("commune")), t.commune_chain,
                                   MakeCertificateRequest(t.district), kNow, 30);
    CHECK(issued.status().code() == Status::Code::kInvalidArgument);
  }
  SECTION("a request whose node id does not match its key") {
    NodeConfig liar = t.commune;
    liar.node_id ^= 1;
    auto issued = IssueCertificate(t.district, Tree::Secrets(t.dir.Sub("district")), t.district_chain,
                                   MakeCertificateRequest(liar), kNow, 30);
    CHECK_FALSE(issued.ok());
  }
}

// Canonical bytes of a T whose root pointer `index` holds a list of numbers instead of what the
// schema says (a Text, a list of structs): still canonical, but Cap'n Proto throws when the field
// is read. Found by the fuzzers: a caller must turn that into Corruption, not let it escape.
template <typename T>
std::string WithWrongKind(std::string_view bytes, unsigned index) {
  auto parsed = storage::Parsed<T>::Parse(bytes, "test input");
  REQUIRE(parsed.ok());
  capnp::MallocMessageBuilder builder;
  builder.setRoot(parsed->get());
  builder.getRoot<capnp::AnyStruct>().getPointerSection()[index].template initAs<capnp::List<uint64_t>>(3);
  std::string wrong = storage::Canonicalize(builder.getRoot<T>().asReader());
  REQUIRE(storage::Parsed<T>::Parse(wrong, "test input").ok());  // canonical: only reading it fails
  return wrong;
}

TEST_CASE("a chain or a lease holding a field of the wrong kind is Corruption, not an exception") {
  Tree t;
  // CertificateChain's pointer 0 is its list of certificates.
  auto chain = VerifyChain(WithWrongKind<schema::CertificateChain>(t.commune_chain, 0), t.central.signing_key, kNow);
  CHECK(chain.status().code() == Status::Code::kCorruption);

  auto central = Node::Open(t.dir.Sub("central"), KeyAccess::kSign, std::nullopt);
  REQUIRE(central.ok());
  auto lease = GrantLease(**central, t.district.node_id, "002", 100, kNow);
  REQUIRE(lease.ok());
  REQUIRE(VerifyLease(**central, *lease).ok());
  // Lease's pointer 0 is its province, a Text.
  auto wrong = VerifyLease(**central, WithWrongKind<schema::Lease>(*lease, 0));
  CHECK(wrong.status().code() == Status::Code::kCorruption);
  CHECK_THAT(wrong.status().message(), Catch::StartsWith("lease: "));
}

TEST_CASE("init refuses an unknown unit, a unit of the wrong level, and an existing node") {
  TempDir dir;
  CHECK(Node::Init({dir.Sub("a"), schema::Role::COMMUNE, "99999", std::nullopt, kNow}).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(Node::Init({dir.Sub("b"), schema::Role::COMMUNE, "026", std::nullopt, kNow}).status().code() ==
        Status::Code::kInvalidArgument);
  REQUIRE(Node::Init({dir.Sub("c"), schema::Role::COMMUNE, "00715", std::nullopt, kNow}).ok());
  CHECK(Node::Init({dir.Sub("c"), schema::Role::COMMUNE, "00715", std::nullopt, kNow}).status().code() ==
        Status::Code::kAlreadyExists);
}

TEST_CASE("officers log in with their password only") {
  TempDir dir;
  REQUIRE(Node::Init({dir.Sub("n"), schema::Role::COMMUNE, "00715", std::nullopt, kNow}).ok());
  auto node = Node::Open(dir.Sub("n"), KeyAccess::kNone, std::nullopt);
  REQUIRE(node.ok());
  storage::Store& store = (*node)->store();
  REQUIRE(AddOfficer(store, {"officer.an"}, "mật khẩu dài", false).ok());
  CHECK(AddOfficer(store, {"officer.an"}, "another password", false).code() == Status::Code::kAlreadyExists);
  CHECK(AddOfficer(store, {"Bad Name"}, "long enough", false).code() == Status::Code::kInvalidArgument);
  CHECK(AddOfficer(store, {"officer.b"}, "short", false).code() == Status::Code::kInvalidArgument);
  CHECK(CheckOfficer(store, "officer.an", "mật khẩu dài").ok());
  CHECK(CheckOfficer(store, "officer.an", "wrong").code() == Status::Code::kPermissionDenied);
  CHECK(CheckOfficer(store, "nobody", "mật khẩu dài").code() == Status::Code::kPermissionDenied);
  auto officers = ListOfficers(store);
  REQUIRE(officers.ok());
  REQUIRE(officers->size() == 1);
  CHECK((*officers)[0].name == "officer.an");
}

}  // namespace
}  // namespace dancu::node
