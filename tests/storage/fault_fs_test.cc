// Power loss: the fault file system drops what was not synced, tears the last write, fails fsync on
// demand; a store on it keeps every append it acknowledged.
#include <catch2/catch.hpp>

#include <rocksdb/env.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "storage/fault_fs.h"
#include "storage/store.h"
#include "tests/support/test_node.h"

namespace dancu::storage {
namespace {

using testing::AddResidents;
using testing::TempDir;

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes `synced` then syncs, then writes `unsynced`; fsyncs the directory if asked. Leaves the
// file open, as a database that loses power does.
std::unique_ptr<rocksdb::FSWritableFile> Write(FaultFs& fs, const std::string& path, const std::string& synced,
                                               const std::string& unsynced, bool sync_dir) {
  rocksdb::IOOptions io;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  REQUIRE(fs.NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr).ok());
  REQUIRE(file->Append(synced, io, nullptr).ok());
  REQUIRE(file->Sync(io, nullptr).ok());
  REQUIRE(file->Append(unsynced, io, nullptr).ok());
  REQUIRE(file->Flush(io, nullptr).ok());
  if (sync_dir) {
    std::unique_ptr<rocksdb::FSDirectory> dir;
    REQUIRE(fs.NewDirectory(std::filesystem::path(path).parent_path().string(), io, &dir, nullptr).ok());
    REQUIRE(dir->Fsync(io, nullptr).ok());
  }
  return file;
}

TEST_CASE("after a power cut a file keeps what was synced and loses what was not") {
  TempDir dir;
  auto fs = std::make_shared<FaultFs>(FaultFs::Options{.tear = false});
  const std::string path = dir.Sub("data");
  auto file = Write(*fs, path, "durable|", "lost", true);
  CHECK(Contents(path) == "durable|lost");  // the bytes reached the operating system
  fs->PowerOff();
  CHECK(file->Append("more", rocksdb::IOOptions(), nullptr).IsIOError());
  CHECK(file->Sync(rocksdb::IOOptions(), nullptr).IsIOError());
  file.reset();
  auto cut = fs->PowerOn(7);
  REQUIRE(cut.ok());
  CHECK(Contents(path) == "durable|");
  CHECK(cut->files_cut == 1);
  CHECK(cut->bytes_dropped == 4);
}

TEST_CASE("a file created since its directory's last fsync is gone after a power cut") {
  TempDir dir;
  auto fs = std::make_shared<FaultFs>(FaultFs::Options{.tear = false});
  auto kept = Write(*fs, dir.Sub("named"), "synced", "", true);
  auto lost = Write(*fs, dir.Sub("unnamed"), "synced", "", false);
  fs->PowerOff();
  kept.reset();
  lost.reset();
  REQUIRE(fs->PowerOn(1).ok());
  CHECK(Contents(dir.Sub("named")) == "synced");
  CHECK_FALSE(std::filesystem::exists(dir.Sub("unnamed")));
}

TEST_CASE("a torn write keeps a prefix of the unsynced tail, the same for the same seed") {
  TempDir dir;
  const std::string tail = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::set<size_t> lengths;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    auto fs = std::make_shared<FaultFs>(FaultFs::Options{.tear = true});
    const std::string path = dir.Sub("torn");
    std::string first;
    for (int round = 0; round < 2; ++round) {  // twice with the same seed: the same cut
      auto file = Write(*fs, path, "head|", tail, true);
      fs->PowerOff();
      file.reset();
      REQUIRE(fs->PowerOn(seed).ok());
      const std::string after = Contents(path);
      REQUIRE(after.size() >= 5);
      CHECK(after.substr(0, 5) == "head|");
      CHECK(tail.substr(0, after.size() - 5) == after.substr(5));
      if (round == 0) first = after;
      CHECK(after == first);
    }
    lengths.insert(first.size() - 5);
  }
  CHECK(lengths.size() > 10);  // the seed decides how much survives
}

// A store on a fault file system, as the simulator opens one, opened with sync and holding the
// residents `serial`.. `serial + count - 1` of one key.
struct FaultStore {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  std::shared_ptr<FaultFs> fs = std::make_shared<FaultFs>(FaultFs::Options{});
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  std::unique_ptr<Store> store;

  FaultStore(uint32_t serial, int count) {
    Open(true);
    AddResidents(*store, key, serial, count);
  }
  void Open(bool sync) {
    store.reset();
    StoreOptions options;
    options.create_if_missing = true;
    options.sync = sync;
    options.env = env.get();
    auto opened = Store::Open(dir.Sub("db"), options);
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    store = std::move(opened.value());
  }
  // The power goes while the store is open; it comes back with `seed`'s cut; the store reopens.
  void CutPower(uint64_t seed) {
    fs->PowerOff();
    store.reset();
    REQUIRE(fs->PowerOn(seed).ok());
    Open(true);
  }
  uint64_t Held() const {
    const auto vv = store->version_vector();
    return vv.count(key.node_id()) ? vv.at(key.node_id()) : 0;
  }
};

TEST_CASE("appends acknowledged with sync survive a power cut") {
  FaultStore db(1, 3);
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const auto ids = AddResidents(*db.store, db.key, static_cast<uint32_t>(seed * 10), 3);
    const auto digest = db.store->state_digest().Digest();
    db.CutPower(seed);
    CHECK(db.Held() == 3 * seed + 3);  // one seq per resident
    CHECK(db.store->state_digest().Digest() == digest);
    for (const auto& id : ids) CHECK(db.store->GetRecord(id)->has_value());
  }
}

TEST_CASE("an append written without sync is lost by a power cut") {
  FaultStore db(1, 2);
  db.Open(false);  // closed cleanly, reopened without fsync
  AddResidents(*db.store, db.key, 10, 2);
  CHECK(db.Held() == 4);
  db.CutPower(3);
  CHECK(db.Held() == 2);
}

TEST_CASE("a failed fsync is an IOError of the append, and the change is not kept") {
  FaultStore db(1, 1);
  db.fs->FailSyncs(1);
  std::vector<Draft> drafts;
  drafts.push_back(testing::DraftFromJson(schema::Operation::CREATE, "", testing::ValidResident(5)));
  auto outcome = db.store->Append(drafts, db.key);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.status().code() == Status::Code::kIOError);
  CHECK(outcome.status().message().find("injected fsync failure") != std::string::npos);
  db.CutPower(1);
  CHECK(db.Held() == 1);
}

// A write that fails on the disk: the store refuses writes with the plain reason (a full disk, or a
// failing one) and keeps answering reads. From a full disk it resumes by itself about a second
// later; from an I/O error RocksDB does not resume, so the refusal says to restart, and the
// reopened store writes again. Nothing acknowledged is lost either way. The store is freshly reopened, so its memtables are empty when the write
// fails: RocksDB 7.8 then reuses the failed log writer on resuming unless the store keeps a
// memtable non-empty, and the next write aborts the process (`sync_without_flush_called_`).
TEST_CASE("a write failing on a full or failing disk is refused plainly, and the store resumes by itself") {
  for (auto fault : {FaultFs::AppendFault::kNoSpace, FaultFs::AppendFault::kIOError}) {
    const bool full = fault == FaultFs::AppendFault::kNoSpace;
    INFO((full ? "full disk" : "failing disk"));
    FaultStore db(1, 3);
    db.Open(true);  // reopened: every memtable empty
    std::vector<std::string> told;
    db.store.reset();
    StoreOptions options;
    options.env = db.env.get();
    options.on_write_health = [&](const Status& s) { told.push_back(s.ok() ? "resumed" : s.message()); };
    auto reopened = Store::Open(db.dir.Sub("db"), options);
    REQUIRE(reopened.ok());
    db.store = std::move(reopened.value());

    db.fs->FailAppends(1, fault);
    std::vector<Draft> drafts;
    drafts.push_back(testing::DraftFromJson(schema::Operation::CREATE, "", testing::ValidResident(4)));
    auto failed = db.store->Append(drafts, db.key);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.status().code() == Status::Code::kIOError);
    CHECK(failed.status().message().rfind(full ? "disk full" : "the disk failed", 0) == 0);
    REQUIRE(told.size() == 1);
    CHECK_THAT(told[0], Catch::Contains("refuses writes until"));
    // Refused at once, plainly, while reads go on.
    CHECK(db.store->WriteRefusal().code() == Status::Code::kIOError);
    CHECK(db.Held() == 3);

    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    if (full) {
      AddResidents(*db.store, db.key, 5, 2);  // resumes, then writes; no abort
      CHECK(db.Held() == 5);
      CHECK(told == std::vector<std::string>{told[0], "resumed"});
    } else {
      std::vector<Draft> again;
      again.push_back(testing::DraftFromJson(schema::Operation::CREATE, "", testing::ValidResident(5)));
      auto refused = db.store->Append(again, db.key);
      REQUIRE_FALSE(refused.ok());
      CHECK_THAT(refused.status().message(), Catch::Contains("refuses writes until it is restarted"));
      CHECK(db.Held() == 3);
      db.Open(true);  // the restart
      AddResidents(*db.store, db.key, 5, 2);
      CHECK(db.Held() == 5);
    }
    AddResidents(*db.store, db.key, 7, 1);
    db.CutPower(4);
    CHECK(db.Held() == 6);
  }
}

}  // namespace
}  // namespace dancu::storage
