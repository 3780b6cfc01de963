// The store: appends are validated, atomic and durable; state survives reopening.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/log_verify.h"
#include "tests/support/test_node.h"

namespace dancu::storage {
namespace {

using testing::AppendAll;
using testing::DraftFromJson;
using testing::OpenStore;
using testing::TempDir;
using testing::ValidResident;

KeyLookup OnlyKey(const SigningKey& key) {
  return [id = key.node_id(), pub = key.public_key()](uint64_t origin) -> std::optional<PublicKey> {
    if (origin == id) return pub;
    return std::nullopt;
  };
}

std::string FullName(const Store& store, const std::string& id) {
  auto bytes = store.GetRecord(id);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->has_value());
  auto state = Parsed<schema::RecordState>::Parse(**bytes, "record");
  REQUIRE(state.ok());
  return state->get().getResident().getFullName().cStr();
}

TEST_CASE("a created resident can be read back, found by citizen number, and survives reopening") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  std::string id;
  {
    auto store = OpenStore(dir.Sub("db"));
    std::vector<Draft> drafts;
    drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(1)));
    id = AppendAll(*store, std::move(drafts), key).front();
    CHECK(store->version_vector().at(key.node_id()) == 1);
  }
  auto store = OpenStore(dir.Sub("db"));
  CHECK(FullName(*store, id) == "Nguyễn Văn An");
  auto found = store->FindCitizenNo("001085000001");
  REQUIRE(found.ok());
  CHECK(found->value_or("") == id);
  CHECK(store->version_vector().at(key.node_id()) == 1);
  auto verified = VerifyStore(*store, OnlyKey(key));
  INFO(verified.status().ToString());
  CHECK(verified.ok());
}

TEST_CASE("a rejected draft changes nothing, and the good drafts of its batch are kept") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  auto store = OpenStore(dir.Sub("db"));
  auto hash_before = store->state_digest().Digest();

  nlohmann::json future_birth = ValidResident(2);
  future_birth["birth_date"] = "2030-01-01";
  std::vector<Draft> drafts;
  drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", future_birth));
  auto alone = store->Append(drafts, key);
  REQUIRE(alone.ok());
  REQUIRE(alone->accepted.empty());
  REQUIRE(alone->rejected.size() == 1);
  const auto& errors = alone->rejected[0].errors;
  CHECK(std::any_of(errors.begin(), errors.end(), [](const FieldError& e) { return e.field == "birth_date"; }));
  CHECK(store->state_digest().Digest() == hash_before);
  CHECK(store->version_vector().empty());

  drafts.clear();
  drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(3)));
  drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", future_birth));
  drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(4, "Trần Thị Bình")));
  auto mixed = store->Append(drafts, key);
  REQUIRE(mixed.ok());
  CHECK(mixed->accepted.size() == 2);
  REQUIRE(mixed->rejected.size() == 1);
  CHECK(mixed->rejected[0].draft_index == 1);
  // Sequence numbers have no gap where the rejected draft was.
  CHECK(mixed->accepted[0].seq == 1);
  CHECK(mixed->accepted[1].seq == 2);
  CHECK(VerifyStore(*store, OnlyKey(key)).ok());
}

TEST_CASE("a citizen number belongs to one record: a second claim is rejected, in a batch or later") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  auto store = OpenStore(dir.Sub("db"));
  std::vector<Draft> drafts;
  drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(7)));
  drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(7, "Lê Văn Cường")));
  auto outcome = store->Append(drafts, key);
  REQUIRE(outcome.ok());
  REQUIRE(outcome->accepted.size() == 1);
  REQUIRE(outcome->rejected.size() == 1);
  CHECK(outcome->rejected[0].errors.front().field == "citizen_no");

  drafts.clear();
  drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(7, "Phạm Văn Dũng")));
  auto later = store->Append(drafts, key);
  REQUIRE(later.ok());
  CHECK(later->accepted.empty());
  CHECK(later->rejected.size() == 1);
}

TEST_CASE("updates fold into the record; an update of a missing record is rejected") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  auto store = OpenStore(dir.Sub("db"));
  std::vector<Draft> drafts;
  drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(8)));
  std::string id = AppendAll(*store, std::move(drafts), key).front();

  drafts.clear();
  drafts.push_back(DraftFromJson(schema::Operation::UPDATE, id, {{"full_name", "Nguyễn Văn Anh"}}));
  AppendAll(*store, std::move(drafts), key);
  CHECK(FullName(*store, id) == "Nguyễn Văn Anh");

  drafts.clear();
  drafts.push_back(DraftFromJson(schema::Operation::UPDATE, "no-such-record", {{"full_name", "Lê Văn B"}}));
  auto missing = store->Append(drafts, key);
  REQUIRE(missing.ok());
  REQUIRE(missing->rejected.size() == 1);
  CHECK(missing->rejected[0].errors.front().field == "id");
  CHECK(VerifyStore(*store, OnlyKey(key)).ok());
}

TEST_CASE("the node's clock never runs backwards across restarts, even when the wall clock does") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  std::string id;
  uint64_t first_hlc = 0;
  auto hlc_of_head = [&](Store& store) {
    uint64_t hlc = 0;
    REQUIRE(store.ScanLog([&](uint64_t, uint64_t, std::string_view bytes) {
      auto entry = Parsed<schema::LogEntry>::Parse(bytes, "entry");
      REQUIRE(entry.ok());
      hlc = entry->get().getChange().getHlc();
      return true;
    }).ok());
    return hlc;
  };
  {
    auto store = OpenStore(dir.Sub("db"), 3600 * 1000);  // an hour ahead
    std::vector<Draft> drafts;
    drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(9)));
    id = AppendAll(*store, std::move(drafts), key).front();
    first_hlc = hlc_of_head(*store);
  }
  // The wall clock stepped back an hour. The next change is a new, unrelated resident: no stamp of
  // an earlier record orders it, only the clock the store persisted.
  auto store = OpenStore(dir.Sub("db"));
  std::vector<Draft> drafts;
  drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(10)));
  AppendAll(*store, std::move(drafts), key);
  CHECK(hlc_of_head(*store) > first_hlc);
}

TEST_CASE("a write-ahead log damaged before its last record refuses to open rather than drop acknowledged writes") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  const std::string db = dir.Sub("db");
  {
    auto store = OpenStore(db);
    for (uint32_t b = 0; b < 3; ++b) {
      std::vector<Draft> drafts;
      drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(1 + b)));
      AppendAll(*store, std::move(drafts), key);
    }
  }  // closed without a flush: the three acknowledged batches live only in the write-ahead log
  std::filesystem::path wal;
  for (const auto& file : std::filesystem::directory_iterator(db)) {
    if (file.path().extension() == ".log" && (wal.empty() || file.file_size() > std::filesystem::file_size(wal))) {
      wal = file.path();
    }
  }
  REQUIRE(!wal.empty());
  const auto size = std::filesystem::file_size(wal);
  REQUIRE(size > 3000);
  {
    // A flipped byte inside the first batch's record: the two batches after it were acknowledged.
    std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 4));
    char c = 0;
    f.read(&c, 1);
    f.seekp(static_cast<std::streamoff>(size / 4));
    c = static_cast<char>(c ^ 0x10);
    f.write(&c, 1);
  }
  auto reopened = Store::Open(db, StoreOptions{});
  INFO(reopened.status().ToString());
  REQUIRE_FALSE(reopened.ok());
  CHECK(reopened.status().code() == Status::Code::kCorruption);
  CHECK_THAT(reopened.status().message(), Catch::Contains(db) && Catch::Contains(wal.filename().string()));
}

}  // namespace
}  // namespace dancu::storage
