// Biometric data at rest and in transit: encrypted under the node's data key, sealed so that only
// central opens it while hubs relay it, and every tampering refused without revealing the data.
#include <sodium.h>

#include <catch2/catch.hpp>

#include "node/biometric_crypto.h"
#include "node/biometric_gallery.h"
#include "node/enrollment.h"
#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/store_layout.h"
#include "tests/node/enrollment_fixture.h"
#include "tests/support/leak_check.h"

namespace dancu::node {
namespace {

using testing::EnrollmentTree;
using testing::Reveals;

// Stands in for a serialized template: the protection does not look inside.
std::string FakeTemplate(uint8_t seed) {
  std::string bytes(3000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131 + seed) % 251);
  return bytes;
}

// The one blob of `store` under `prefix`: its key and bytes.
std::pair<std::string, std::string> OnlyBlob(const storage::Store& store,
                                             const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> found;
  REQUIRE(store
              .ScanBlobs(prefix,
                         [&](std::string_view key, std::string_view value) {
                           found.emplace_back(key, value);
                           return true;
                         })
              .ok());
  REQUIRE(found.size() == 1);
  return found.front();
}

schema::Biometrics::Reader BiometricsOf(const storage::Store& store, const std::string& id,
                                        std::optional<storage::Parsed<schema::RecordState>>* keep) {
  auto bytes = store.GetRecord(id);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->has_value());
  auto parsed = storage::Parsed<schema::RecordState>::Parse(**bytes, "record");
  REQUIRE(parsed.ok());
  keep->emplace(std::move(parsed.value()));
  return (*keep)->get().getResident().getBiometrics();
}

TEST_CASE("the node data key is made at init and kept in the key file, sealed or not") {
  testing::TempDir dir;
  NodeSecrets secrets = NodeSecrets::Generate();
  CHECK(secrets.data_key != DataKey{});
  CHECK(NodeSecrets::Generate().data_key != secrets.data_key);
  REQUIRE(WriteKeyFile(dir.Sub("plain.key"), secrets, std::nullopt).ok());
  REQUIRE(WriteKeyFile(dir.Sub("sealed.key"), secrets, std::string("mật khẩu")).ok());
  auto plain = ReadKeyFile(dir.Sub("plain.key"), std::nullopt);
  auto sealed = ReadKeyFile(dir.Sub("sealed.key"), std::string("mật khẩu"));
  REQUIRE(plain.ok());
  REQUIRE(sealed.ok());
  CHECK(plain->data_key == secrets.data_key);
  CHECK(sealed->data_key == secrets.data_key);
}

TEST_CASE("a commune seals each template to central: its district cannot open it, central can") {
  EnrollmentTree tree;
  const std::string id = tree.AddResident(1);
  const std::string print = FakeTemplate(7);
  auto seq = StoreFinger(tree.commune(), tree.keys(), {id, "officer.an"},
                         BiometricPart::kRightIndex, print);
  INFO(seq.status().ToString());
  REQUIRE(seq.ok());

  // What replicates: the sealed blob, named in the record by its hash.
  const auto [key, sealed] = OnlyBlob(tree.commune().store(), "bio/sealed/");
  std::optional<storage::Parsed<schema::RecordState>> record;
  const schema::Finger::Reader entry =
      FingerEntry(BiometricsOf(tree.commune().store(), id, &record), BiometricPart::kRightIndex);
  CHECK(entry.getStatus() == schema::FingerStatus::ENROLLED);
  const storage::Hash256 hash = SealedHash(sealed);
  CHECK(std::string(reinterpret_cast<const char*>(entry.getSealedHash().begin()),
                    entry.getSealedHash().size()) == std::string(storage::AsBytes(hash)));
  CHECK(key == "bio/sealed/" + storage::ToHex(hash));
  CHECK_FALSE(Reveals(sealed, print));

  const NodeSecrets district = EnrollmentTree::Secrets(tree.district_dir());
  const NodeSecrets commune = EnrollmentTree::Secrets(tree.commune_dir());
  const NodeSecrets central = EnrollmentTree::Secrets(tree.central_dir());
  for (const NodeSecrets* relay : {&district, &commune}) {
    auto refused = OpenSealedBiometric(*relay, id, BiometricPart::kRightIndex, sealed);
    CHECK(refused.status().code() == Status::Code::kCorruption);
    CHECK_FALSE(Reveals(refused.status().message(), print));
  }
  auto opened = OpenSealedBiometric(central, id, BiometricPart::kRightIndex, sealed);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  CHECK(opened->bytes() == print);

  SECTION("a sealed blob with any byte flipped is refused") {
    for (size_t i = 0; i < sealed.size(); i += 97) {
      std::string tampered = sealed;
      tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
      CHECK(
          OpenSealedBiometric(central, id, BiometricPart::kRightIndex, tampered).status().code() ==
          Status::Code::kCorruption);
    }
    CHECK_FALSE(
        OpenSealedBiometric(central, id, BiometricPart::kRightIndex, sealed.substr(0, 40)).ok());
  }
  SECTION("a sealed blob presented as another record's or another finger's is refused") {
    auto other_finger = OpenSealedBiometric(central, id, BiometricPart::kLeftIndex, sealed);
    CHECK(other_finger.status().code() == Status::Code::kCorruption);
    CHECK_THAT(other_finger.status().message(), Catch::Contains("another record or part"));
    CHECK_FALSE(OpenSealedBiometric(central, id + "0", BiometricPart::kRightIndex, sealed).ok());
  }
}

TEST_CASE("an at-rest blob opens only under its node's key, for its own record and finger") {
  const NodeSecrets mine = NodeSecrets::Generate();
  const NodeSecrets other = NodeSecrets::Generate();
  const std::string print = FakeTemplate(3);
  const std::string blob = EncryptAtRest(mine.data_key, "rec-1", BiometricPart::kLeftThumb, print);
  CHECK_FALSE(Reveals(blob, print));
  CHECK(EncryptAtRest(mine.data_key, "rec-1", BiometricPart::kLeftThumb, print) != blob);  // nonce

  auto opened = DecryptAtRest(mine.data_key, "rec-1", BiometricPart::kLeftThumb, blob);
  REQUIRE(opened.ok());
  CHECK(opened->bytes() == print);

  std::vector<Status> refusals = {
      DecryptAtRest(other.data_key, "rec-1", BiometricPart::kLeftThumb, blob).status(),
      DecryptAtRest(mine.data_key, "rec-2", BiometricPart::kLeftThumb, blob).status(),
      DecryptAtRest(mine.data_key, "rec-1", BiometricPart::kRightThumb, blob).status(),
      DecryptAtRest(mine.data_key, "rec-1", BiometricPart::kLeftThumb, blob.substr(0, 30)).status(),
      DecryptAtRest(mine.data_key, "rec-1", BiometricPart::kLeftThumb, "").status()};
  for (size_t i = 0; i < blob.size(); i += 101) {
    std::string tampered = blob;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x80);
    refusals.push_back(
        DecryptAtRest(mine.data_key, "rec-1", BiometricPart::kLeftThumb, tampered).status());
  }
  for (const Status& refused : refusals) {
    CHECK(refused.code() == Status::Code::kCorruption);
    CHECK_FALSE(Reveals(refused.message(), print));
  }
}

TEST_CASE("a tampered at-rest template in the store stops the gallery, naming only its record") {
  EnrollmentTree tree;
  const std::string id = tree.AddResident(1);
  const std::string print = FakeTemplate(9);
  REQUIRE(
      StoreFinger(tree.commune(), tree.keys(), {id, "officer.an"}, BiometricPart::kLeftIndex, print)
          .ok());
  auto gallery = LoadGallery(tree.commune().store(), *tree.keys().data_key, std::nullopt);
  REQUIRE(gallery.ok());
  REQUIRE(gallery->size() == 1);
  CHECK(gallery->owner(0).record_id == id);
  CHECK(gallery->owner(0).finger == BiometricPart::kLeftIndex);
  CHECK(gallery->template_at(0).bytes() == print);

  const auto [key, blob] = OnlyBlob(tree.commune().store(), "bio/rest/");
  CHECK(key == AtRestKey(id, BiometricPart::kLeftIndex));
  std::string tampered = blob;
  tampered[blob.size() / 2] = static_cast<char>(tampered[blob.size() / 2] ^ 0x10);
  tree.WithCommuneClosed([&, key = key] {
    testing::EditRawFamily(Node::StorePath(tree.commune_dir()), storage::layout::kBlobFamily,
                           [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* blobs) {
                             REQUIRE(db->Put(rocksdb::WriteOptions(), blobs, key, tampered).ok());
                           });
  });
  auto refused = LoadGallery(tree.commune().store(), *tree.keys().data_key, std::nullopt);
  CHECK(refused.status().code() == Status::Code::kCorruption);
  CHECK_THAT(refused.status().message(), Catch::Contains(id));
  CHECK_FALSE(Reveals(refused.status().message(), print));
}

}  // namespace
}  // namespace dancu::node
