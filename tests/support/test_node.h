// Test support: temporary directories, resident drafts from JSON, a store with a fixed clock, and
// raw access to a store's RocksDB for tamper tests.
#pragma once

#include <rocksdb/db.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/crypto.h"
#include "storage/store.h"

namespace dancu::testing {

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// 2024-06-01 12:00 UTC, as milliseconds since the epoch: "now" for stores under test.
inline constexpr uint64_t kTestNowMs = 1717243200000ull;

// A valid adult resident of commune 00001 (Phường Phúc Xá, Hà Nội) with citizen number
// 001 0 85 <serial> (male, born 1985).
nlohmann::json ValidResident(uint32_t serial, const std::string& full_name = "Nguyễn Văn An");

// A draft of `operation` setting the keys of `values`, by `officer` of `role`; REQUIREs that the
// JSON is well-formed.
storage::Draft DraftFromJson(schema::Operation operation, const std::string& record_id,
                             const nlohmann::json& values, const std::string& officer = "officer.a",
                             schema::OfficerRole role = schema::OfficerRole::CLERK);

// Opens (creating if needed) a store at `path` whose wall clock is fixed at kTestNowMs + offset.
std::unique_ptr<storage::Store> OpenStore(const std::string& path, uint64_t clock_offset_ms = 0);

// Appends and REQUIREs that every draft was accepted; returns the accepted record ids.
std::vector<std::string> AppendAll(storage::Store& store, std::vector<storage::Draft> drafts,
                                   const storage::SigningKey& key);

// Appends `count` new residents of Lũng Cú (home unit 00715), numbered from `serial`, in one batch;
// returns their record ids.
std::vector<std::string> AddResidents(storage::Store& store, const storage::SigningKey& key, uint32_t serial,
                                      int count);

// The run of `origin`'s entries first..last as `store` would send it: with the checkpoint at
// `last` and the run's inclusion proof (REQUIREs both).
storage::IncomingRun RunOf(const storage::Store& store, uint64_t origin, uint64_t first, uint64_t last);
// Trust in `key`'s origin alone, with authority over every unit.
storage::TrustLookup TrustOnly(const storage::SigningKey& key);

// Opens the store's database without the Store, for tamper tests: `edit` gets the DB and the
// handle of column family `family`.
void EditRawFamily(const std::string& path, const std::string& family,
                   const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*)>& edit);

}  // namespace dancu::testing
