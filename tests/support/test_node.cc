#include "tests/support/test_node.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <atomic>
#include <random>

#include "storage/record_json.h"
#include "storage/store_layout.h"

namespace dancu::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "dancu-test-XXXXXX").string();
  char* made = ::mkdtemp(pattern.data());
  REQUIRE(made != nullptr);
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

nlohmann::json ValidResident(uint32_t serial, const std::string& full_name) {
  char citizen[16];
  std::snprintf(citizen, sizeof citizen, "001085%06u", serial % 1000000);
  return {{"citizen_no", citizen},
          {"full_name", full_name},
          {"birth_date", "1985-03-07"},
          {"sex", "male"},
          {"ethnicity", 1},
          {"nationality", "VN"},
          {"hometown", {{"unit", "00001"}}},
          {"permanent_residence", {{"unit", "00001"}, {"address", "Số 1 Phúc Xá"}}},
          {"household", {{"id", "HK" + std::to_string(serial)}, {"relationship", "head"}}}};
}

storage::Draft DraftFromJson(schema::Operation operation, const std::string& record_id,
                             const nlohmann::json& values, const std::string& officer,
                             schema::OfficerRole role) {
  storage::Draft draft;
  draft.operation = operation;
  draft.record_id = record_id;
  draft.officer = officer;
  draft.officer_role = role;
  auto errors = storage::ResidentFromJson(values, draft.Values(), &draft.fields);
  INFO(values.dump());
  REQUIRE(errors.empty());
  return draft;
}

std::unique_ptr<storage::Store> OpenStore(const std::string& path, uint64_t clock_offset_ms) {
  storage::StoreOptions options;
  options.create_if_missing = true;
  options.wall_clock = [clock_offset_ms] { return kTestNowMs + clock_offset_ms; };
  auto store = storage::Store::Open(path, options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(store.value());
}

std::vector<std::string> AppendAll(storage::Store& store, std::vector<storage::Draft> drafts,
                                   const storage::SigningKey& key) {
  auto outcome = store.Append(drafts, key);
  INFO(outcome.status().ToString());
  REQUIRE(outcome.ok());
  for (const auto& r : outcome->rejected) {
    INFO("draft " << r.draft_index << ": " << r.errors.front().field << " " << r.errors.front().reason);
    CHECK(false);
  }
  REQUIRE(outcome->accepted.size() == drafts.size());
  std::vector<std::string> ids;
  for (const auto& a : outcome->accepted) ids.push_back(a.record_id);
  return ids;
}

void EditRawFamily(const std::string& path, const std::string& family,
                   const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*)>& edit) {
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &db).ok());
  rocksdb::ColumnFamilyHandle* target = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == family) target = handles[i];
  }
  REQUIRE(target != nullptr);
  edit(db, target);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

std::vector<std::string> AddResidents(storage::Store& store, const storage::SigningKey& key, uint32_t serial,
                                      int count) {
  std::vector<storage::Draft> drafts;
  for (int i = 0; i < count; ++i) {
    auto resident = ValidResident(serial + static_cast<uint32_t>(i));
    resident["home_unit"] = "00715";
    drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", resident));
  }
  return AppendAll(store, std::move(drafts), key);
}

storage::IncomingRun RunOf(const storage::Store& store, uint64_t origin, uint64_t first, uint64_t last) {
  storage::IncomingRun run;
  run.origin = origin;
  run.first_seq = first;
  run.source = "test";
  REQUIRE(store.ScanLogFrom(origin, first, [&](uint64_t, uint64_t seq, std::string_view bytes) {
    if (seq > last) return false;
    run.entries.emplace_back(bytes);
    return true;
  }).ok());
  REQUIRE(store.ScanCheckpointsFrom(origin, last, [&](uint64_t, uint64_t seq, std::string_view bytes) {
    if (seq == last) run.checkpoint = bytes;
    return false;
  }).ok());
  REQUIRE(!run.checkpoint.empty());
  auto proof = store.RunProof(origin, first, last);
  REQUIRE(proof.ok());
  run.proof = *proof;
  return run;
}

storage::TrustLookup TrustOnly(const storage::SigningKey& key) {
  return [id = key.node_id(), pub = key.public_key()](uint64_t origin) -> std::optional<storage::OriginTrust> {
    if (origin != id) return std::nullopt;
    return storage::OriginTrust{pub, UINT64_MAX, [](std::string_view) { return true; }};
  };
}

}  // namespace dancu::testing
