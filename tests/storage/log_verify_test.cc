// Tampering with any stored byte is detected by VerifyStore, which names the first bad entry, or
// the batch whose signed tree root it breaks.
#include <catch2/catch.hpp>

#include <capnp/message.h>

#include <filesystem>

#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/log_verify.h"
#include "storage/store_layout.h"
#include "tests/support/test_node.h"

namespace dancu::storage {
namespace {

using testing::AddResidents;
using testing::AppendAll;
using testing::DraftFromJson;
using testing::EditRawFamily;
using testing::OpenStore;
using testing::RunOf;
using testing::TempDir;
using testing::TrustOnly;
using testing::ValidResident;

constexpr int kBatches = 4;
constexpr int kPerBatch = 5;  // entries 1..20; checkpoints at 5, 10, 15, 20

struct Fixture {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  std::string db = dir.Sub("db");

  Fixture() {
    auto store = OpenStore(db);
    uint32_t serial = 1;
    for (int b = 0; b < kBatches; ++b) {
      std::vector<Draft> drafts;
      for (int i = 0; i < kPerBatch; ++i) {
        drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(serial++)));
      }
      REQUIRE(store->Append(drafts, key)->accepted.size() == kPerBatch);
    }
  }

  Result<VerifyReport> Verify(const KeyLookup* other = nullptr) {
    auto store = OpenStore(db);
    KeyLookup mine = [this](uint64_t origin) -> std::optional<PublicKey> {
      if (origin == key.node_id()) return key.public_key();
      return std::nullopt;
    };
    return VerifyStore(*store, other ? *other : mine);
  }

  std::string Key(uint64_t seq) const { return layout::LogKey(key.node_id(), seq); }

  std::string Get(rocksdb::DB* db_, rocksdb::ColumnFamilyHandle* cf, const std::string& k) {
    std::string value;
    REQUIRE(db_->Get(rocksdb::ReadOptions(), cf, k, &value).ok());
    return value;
  }
};

void RequireCorruption(const Result<VerifyReport>& result, const std::string& mention) {
  INFO(result.status().ToString());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Status::Code::kCorruption);
  CHECK_THAT(result.status().message(), Catch::Contains(mention));
}

TEST_CASE("an untouched store verifies, with one signature per batch") {
  Fixture f;
  auto report = f.Verify();
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  CHECK(report->entries == kBatches * kPerBatch);
  CHECK(report->checkpoints == kBatches);
  CHECK(report->records == kBatches * kPerBatch);
  CHECK(report->state_hash == OpenStore(f.db)->state_digest().Digest());
}

TEST_CASE("a flipped byte in an entry is detected and its signed batch named") {
  Fixture f;
  EditRawFamily(f.db, layout::kLogFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    std::string entry = f.Get(db, cf, f.Key(7));
    entry[entry.size() / 2] ^= 0x01;
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf, f.Key(7), entry).ok());
  });
  auto result = f.Verify();
  INFO(result.status().ToString());
  REQUIRE_FALSE(result.ok());
  // Either the entry no longer decodes (named alone) or it breaks the root of its batch, 6..10.
  CHECK_THAT(result.status().message(), Catch::Contains("seq 7") || Catch::Contains("seq 6 to seq 10"));
}

TEST_CASE("an altered tree node is detected") {
  Fixture f;  // 20 entries: the node over entries 1..16 is stored
  EditRawFamily(f.db, layout::kTreeFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    const std::string k = layout::TreeKey(f.key.node_id(), layout::kStoredTreeLevel, 0);
    std::string node = f.Get(db, cf, k);
    node[3] ^= 0x01;
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf, k, node).ok());
  });
  RequireCorruption(f.Verify(), "tree node over entries up to seq 16 differs");
}

TEST_CASE("a flipped byte in the newest entry is caught by its signed checkpoint") {
  Fixture f;
  const uint64_t last = kBatches * kPerBatch;
  EditRawFamily(f.db, layout::kLogFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    std::string entry = f.Get(db, cf, f.Key(last));
    entry[entry.size() - 9] ^= 0x20;
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf, f.Key(last), entry).ok());
  });
  RequireCorruption(f.Verify(), "seq " + std::to_string(last));
}

TEST_CASE("a dropped entry is detected") {
  Fixture f;
  EditRawFamily(f.db, layout::kLogFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    REQUIRE(db->Delete(rocksdb::WriteOptions(), cf, f.Key(12)).ok());
  });
  RequireCorruption(f.Verify(), "seq 12: entry missing");
}

TEST_CASE("a dropped last entry is detected by the checkpoint that signed it") {
  Fixture f;
  EditRawFamily(f.db, layout::kLogFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    REQUIRE(db->Delete(rocksdb::WriteOptions(), cf, f.Key(kBatches * kPerBatch)).ok());
  });
  RequireCorruption(f.Verify(), "not stored");
}

TEST_CASE("two reordered entries are detected") {
  Fixture f;
  EditRawFamily(f.db, layout::kLogFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    std::string a = f.Get(db, cf, f.Key(3)), b = f.Get(db, cf, f.Key(4));
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf, f.Key(3), b).ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf, f.Key(4), a).ok());
  });
  RequireCorruption(f.Verify(), "seq 3");
}

TEST_CASE("a checkpoint carrying another checkpoint's signature is detected") {
  Fixture f;
  EditRawFamily(f.db, layout::kCheckpointFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    auto first = Parsed<schema::Checkpoint>::Parse(f.Get(db, cf, f.Key(5)), "cp");
    auto second = Parsed<schema::Checkpoint>::Parse(f.Get(db, cf, f.Key(10)), "cp");
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    capnp::MallocMessageBuilder message;
    message.setRoot(second->get());
    message.getRoot<schema::Checkpoint>().setSignature(first->get().getSignature());
    std::string forged = Canonicalize(message.getRoot<schema::Checkpoint>().asReader());
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf, f.Key(10), forged).ok());
  });
  RequireCorruption(f.Verify(), "signature does not verify");
}

TEST_CASE("entries without a signed checkpoint are refused") {
  Fixture f;
  EditRawFamily(f.db, layout::kCheckpointFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    REQUIRE(db->Delete(rocksdb::WriteOptions(), cf, f.Key(kBatches * kPerBatch)).ok());
  });
  RequireCorruption(f.Verify(), "not covered by a signed checkpoint");
}

TEST_CASE("a log signed by another key is refused") {
  Fixture f;
  SigningKey impostor = SigningKey::Generate();
  KeyLookup wrong = [&](uint64_t) -> std::optional<PublicKey> { return impostor.public_key(); };
  RequireCorruption(f.Verify(&wrong), "signature does not verify");
}

TEST_CASE("a record altered outside the log is detected by the replay") {
  Fixture f;
  std::string victim;
  EditRawFamily(f.db, layout::kRecordFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
    it->SeekToFirst();
    REQUIRE(it->Valid());
    victim = it->key().ToString();
    it->Next();
    REQUIRE(it->Valid());
    std::string other = it->value().ToString();  // another resident's bytes under this id
    it.reset();
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf, victim, other).ok());
  });
  RequireCorruption(f.Verify(), "record " + victim);
}

TEST_CASE("a deleted index entry is detected") {
  Fixture f;
  EditRawFamily(f.db, layout::kIndexFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
    it->SeekToFirst();
    REQUIRE(it->Valid());
    std::string k = it->key().ToString();
    it.reset();
    REQUIRE(db->Delete(rocksdb::WriteOptions(), cf, k).ok());
  });
  RequireCorruption(f.Verify(), "index");
}

TEST_CASE("per-unit counters altered outside the log are detected") {
  Fixture f;
  {
    auto store = OpenStore(f.db);
    UnitTally tally = (*store->Tallies()).at("00001");
    ++tally.clean;
    REQUIRE(store->PutMeta(layout::TallyKey("00001"), tally.Serialize()).ok());
  }
  RequireCorruption(f.Verify(), "counters of unit \"00001\"");
}

TEST_CASE("counters kept for a unit without residents are detected") {
  Fixture f;
  {
    auto store = OpenStore(f.db);
    REQUIRE(store->PutMeta(layout::TallyKey("00004"), UnitTally{1, 0, 0, 0, 0}.Serialize()).ok());
  }
  RequireCorruption(f.Verify(), "no resident");
}

TEST_CASE("the unit-origins index altered outside the log is detected") {
  for (bool removed : {false, true}) {
    INFO((removed ? "a row removed" : "a row added"));
    Fixture f;
    {
      auto store = OpenStore(f.db);
      auto homed = ValidResident(900);
      homed["home_unit"] = "00715";
      std::vector<Draft> drafts;
      drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", homed));
      REQUIRE(store->Append(drafts, f.key)->accepted.size() == 1);
      auto rows = store->KeptUnitOrigins();
      REQUIRE(rows.ok());
      REQUIRE_FALSE(rows->empty());
      if (removed) {
        const auto& [unit, origin] = rows->begin()->first;
        REQUIRE(store->DeleteMeta(layout::UnitOriginKey(unit, origin)).ok());
      } else {
        REQUIRE(store->PutMeta(layout::UnitOriginKey("00004", 42), layout::EncodeU64(1)).ok());
      }
    }
    RequireCorruption(f.Verify(), "origins changed each unit");
  }
}

// A hub that holds a commune's log of many residents and changed some of them itself: records
// with changes from two origins, more records than a chunk, and changes enough to spill the sort.
struct ManyRecords {
  static constexpr int kBatches = 3;
  static constexpr int kPerBatch = 1000;
  static constexpr int kEdited = 700;  // records changed again, by the hub
  static constexpr const char* kNames[] = {"Mai", "Lan", "Hoa", "Cúc", "Đào"};

  TempDir dir;
  SigningKey commune_key = SigningKey::Generate();
  SigningKey hub_key = SigningKey::Generate();
  std::string db = dir.Sub("hub");
  std::string scratch = dir.Sub("scratch");

  ManyRecords() {
    std::filesystem::create_directories(scratch);
    auto commune = OpenStore(dir.Sub("commune"));
    std::vector<std::string> ids;
    for (int b = 0; b < kBatches; ++b) {
      auto added = AddResidents(*commune, commune_key, static_cast<uint32_t>(1 + b * kPerBatch), kPerBatch);
      ids.insert(ids.end(), added.begin(), added.end());
    }
    auto hub = OpenStore(db);
    const uint64_t last = kBatches * kPerBatch;
    for (uint64_t first = 1; first <= last; first += kPerBatch) {
      auto outcome = hub->Ingest(RunOf(*commune, commune_key.node_id(), first, first + kPerBatch - 1), TrustOnly(commune_key));
      REQUIRE(outcome.ok());
      REQUIRE(outcome->verdict == IngestOutcome::Verdict::kApplied);
    }
    for (int b = 0; b < 2; ++b) {
      std::vector<Draft> drafts;
      for (int i = b * kEdited / 2; i < (b + 1) * kEdited / 2; ++i) {
        // Every seventh record, so the edited ones are spread over the id order.
        drafts.push_back(DraftFromJson(schema::Operation::UPDATE, ids[static_cast<size_t>(i * 7) % ids.size()],
                                       {{"full_name", std::string("Trần Thị ") + kNames[i % 5]}}));
      }
      AppendAll(*hub, std::move(drafts), hub_key);
    }
  }

  Result<VerifyReport> Verify(unsigned threads, size_t sort_memory_bytes) {
    auto store = OpenStore(db);
    KeyLookup keys = [this](uint64_t origin) -> std::optional<PublicKey> {
      if (origin == commune_key.node_id()) return commune_key.public_key();
      if (origin == hub_key.node_id()) return hub_key.public_key();
      return std::nullopt;
    };
    VerifyOptions options;
    options.scratch_dir = scratch;
    options.threads = threads;
    options.sort_memory_bytes = sort_memory_bytes;
    return VerifyStore(*store, keys, options);
  }

  bool ScratchLeft() const { return !std::filesystem::is_empty(scratch); }
};

TEST_CASE("a store of many records verifies alike in memory and through the disk-backed sort, on one thread or more") {
  ManyRecords m;
  const Hash256 stored = OpenStore(m.db)->state_digest().Digest();
  for (unsigned threads : {1u, 3u}) {
    for (size_t memory : {size_t{64} << 10, size_t{64} << 20}) {
      INFO("threads " << threads << ", sort memory " << memory);
      auto report = m.Verify(threads, memory);
      INFO(report.status().ToString());
      REQUIRE(report.ok());
      CHECK(report->origins == 2);
      CHECK(report->entries == ManyRecords::kBatches * ManyRecords::kPerBatch + ManyRecords::kEdited);
      CHECK(report->checkpoints == ManyRecords::kBatches + 2);
      CHECK(report->records == ManyRecords::kBatches * ManyRecords::kPerBatch);
      CHECK(report->state_hash == stored);
      CHECK_FALSE(m.ScratchLeft());
    }
  }
}

TEST_CASE("with a spilled sort, a record or index entry altered outside the log is still found, and no scratch space is left") {
  ManyRecords m;
  std::string victim;
  SECTION("a record") {
    EditRawFamily(m.db, layout::kRecordFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
      it->SeekToLast();  // the last in id order: after every chunk
      REQUIRE(it->Valid());
      victim = it->key().ToString();
      it->Prev();
      std::string other = it->value().ToString();
      it.reset();
      REQUIRE(db->Put(rocksdb::WriteOptions(), cf, victim, other).ok());
    });
    RequireCorruption(m.Verify(2, 64 << 10), "record " + victim + " differs");
  }
  SECTION("a record deleted") {
    EditRawFamily(m.db, layout::kRecordFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
      it->SeekToFirst();
      for (int i = 0; i < 2500; ++i) it->Next();
      REQUIRE(it->Valid());
      victim = it->key().ToString();
      it.reset();
      REQUIRE(db->Delete(rocksdb::WriteOptions(), cf, victim).ok());
    });
    RequireCorruption(m.Verify(2, 64 << 10), "record " + victim + " is missing");
  }
  SECTION("an index entry added") {
    EditRawFamily(m.db, layout::kIndexFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
      REQUIRE(db->Put(rocksdb::WriteOptions(), cf, std::string("u00715\0zzz", 10), "").ok());
    });
    RequireCorruption(m.Verify(2, 64 << 10), "index entry of kind 'u'");
  }
  CHECK_FALSE(m.ScratchLeft());
}

}  // namespace
}  // namespace dancu::storage
