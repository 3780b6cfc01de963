#include "storage/scratch_db.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "storage/info_log.h"
#include "storage/record_stage.h"

namespace dancu::storage {

namespace {
constexpr size_t kNodeOverhead = 64;  // a std::map node beside its key and value
constexpr size_t kBatchBytes = 1u << 20;
}  // namespace

ScratchDb::ScratchDb(std::string parent, size_t memory_bytes)
    : parent_(std::move(parent)), memory_bytes_(memory_bytes), batch_(std::make_unique<rocksdb::WriteBatch>()) {}

ScratchDb::~ScratchDb() {
  batch_.reset();
  if (db_) {
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
  if (!path_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
}

Status ScratchDb::Put(std::string_view key, std::string_view value) {
  if (db_) {  // spilled: straight to the database's write buffer, in batches
    DANCU_RETURN_IF_ERROR(FromRocks(batch_->Put(Slice(key), Slice(value)), "scratch space"));
    return batch_->GetDataSize() >= kBatchBytes ? WriteBatch() : Status::Ok();
  }
  auto [it, inserted] = memory_.try_emplace(std::string(key));
  if (inserted) {
    memory_used_ += key.size() + value.size() + kNodeOverhead;
  } else {
    memory_used_ = memory_used_ - it->second.size() + value.size();
  }
  it->second.assign(value);
  if (memory_used_ >= memory_bytes_) return Spill();
  return Status::Ok();
}

Status ScratchDb::Spill() {
  if (!db_) {
    std::error_code ec;
    std::filesystem::path base = parent_.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(parent_);
    if (ec) return Status::IOError("no temporary directory for scratch space: " + ec.message());
    std::string templ = (base / "dancu-scratch-XXXXXX").string();
    std::vector<char> name(templ.begin(), templ.end());
    name.push_back('\0');
    if (mkdtemp(name.data()) == nullptr) {
      return Status::IOError("cannot make a scratch directory under " + base.string() + ": " + std::strerror(errno));
    }
    path_ = name.data();

    rocksdb::Options options;
    options.create_if_missing = true;
    options.max_background_jobs = 2;
    options.max_open_files = 256;
    options.max_file_opening_threads = 1;
    // Each flushed write buffer is a sorted run; compactions merge them in the background, so that
    // a cursor merges a few levels, not one run per write buffer (its memory would grow with them).
    options.write_buffer_size = memory_bytes_;
    options.max_write_buffer_number = 2;
    options.target_file_size_base = 32u << 20;
    options.max_bytes_for_level_base = 128u << 20;
    options.compression = rocksdb::kNoCompression;  // scratch: CPU is scarcer than disk for a while
    options.avoid_flush_during_shutdown = true;
    options.info_log_level = rocksdb::InfoLogLevel::ERROR_LEVEL;
    options.keep_log_file_num = 1;
    options.info_log = OpenInfoLog(path_);  // a full disk must fail the write, not abort (info_log.h)
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(4u << 20);
    table.cache_index_and_filter_blocks = true;
    table.block_size = 16u << 10;
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    rocksdb::DB* raw = nullptr;
    DANCU_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, path_, &raw), "opening scratch space " + path_));
    db_.reset(raw);
  }
  for (auto it = memory_.begin(); it != memory_.end();) {
    DANCU_RETURN_IF_ERROR(FromRocks(batch_->Put(Slice(it->first), Slice(it->second)), "scratch space"));
    it = memory_.erase(it);
    if (batch_->GetDataSize() >= kBatchBytes) DANCU_RETURN_IF_ERROR(WriteBatch());
  }
  memory_used_ = 0;
  return WriteBatch();
}

Status ScratchDb::WriteBatch() {
  if (batch_->Count() == 0) return Status::Ok();
  rocksdb::WriteOptions options;
  options.disableWAL = true;
  options.sync = false;
  Status written = FromRocks(db_->Write(options, batch_.get()), "writing scratch space " + path_);
  batch_->Clear();
  return written;
}

Result<std::unique_ptr<ScratchDb::Cursor>> ScratchDb::Scan(std::string_view prefix) {
  std::unique_ptr<Cursor> cursor(new Cursor());
  cursor->prefix_ = std::string(prefix);
  if (db_) {
    DANCU_RETURN_IF_ERROR(Spill());
    cursor->it_.reset(db_->NewIterator(rocksdb::ReadOptions()));
    cursor->it_->Seek(Slice(prefix));
  } else {
    auto it = memory_.lower_bound(cursor->prefix_);
    while (it != memory_.end() && std::string_view(it->first).substr(0, prefix.size()) == prefix) {
      memory_used_ -= it->first.size() + it->second.size() + kNodeOverhead;
      auto next = std::next(it);
      cursor->held_.insert(memory_.extract(it));
      it = next;
    }
    cursor->at_ = cursor->held_.begin();
  }
  return cursor;
}

ScratchDb::Cursor::~Cursor() = default;

bool ScratchDb::Cursor::Valid() const {
  if (!it_) return at_ != held_.end();
  return it_->Valid() && View(it_->key()).substr(0, prefix_.size()) == prefix_;
}
std::string_view ScratchDb::Cursor::key() const { return it_ ? View(it_->key()) : std::string_view(at_->first); }
std::string_view ScratchDb::Cursor::value() const { return it_ ? View(it_->value()) : std::string_view(at_->second); }
void ScratchDb::Cursor::Next() {
  if (it_) {
    it_->Next();
  } else {
    ++at_;
  }
}
Status ScratchDb::Cursor::status() const { return it_ ? FromRocks(it_->status(), "reading scratch space") : Status::Ok(); }

}  // namespace dancu::storage
