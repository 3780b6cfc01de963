#include "node/importer.h"

#include <sodium.h>

#include <array>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "node/resident_drafts.h"
#include "storage/record_json.h"

namespace dancu::node {

namespace {

// The lines of an input, each at most `limit` bytes in memory, each with its journal key (see the
// header). Reads in blocks of 64 KiB.
class JournaledLines {
 public:
  JournaledLines(std::istream& in, size_t limit) : in_(in), limit_(limit), block_(64 * 1024) {
    crypto_hash_sha256(key_.data(), reinterpret_cast<const unsigned char*>(kLabel), sizeof kLabel - 1);
  }

  // Reads the next line; false at the end of the input (see bad()).
  bool Next() {
    text_.clear();
    length_ = 0;
    crypto_hash_sha256_state hash;
    crypto_hash_sha256_init(&hash);
    crypto_hash_sha256_update(&hash, key_.data(), key_.size());
    bool any = false;
    while (true) {
      if (pos_ == end_ && !Fill()) {
        if (!any) return false;
        break;
      }
      any = true;
      const char* start = block_.data() + pos_;
      const void* newline = std::memchr(start, '\n', end_ - pos_);
      const size_t n = newline ? static_cast<size_t>(static_cast<const char*>(newline) - start) : end_ - pos_;
      crypto_hash_sha256_update(&hash, reinterpret_cast<const unsigned char*>(start), n);
      if (text_.size() < limit_) text_.append(start, std::min(n, limit_ - text_.size()));
      length_ += n;
      pos_ += n;
      if (newline) {
        ++pos_;
        break;
      }
    }
    crypto_hash_sha256_final(&hash, key_.data());
    return true;
  }
  bool bad() const { return in_.bad(); }

  const std::string& text() const { return text_; }  // the line without its newline, cut at the limit
  uint64_t length() const { return length_; }          // its whole length
  bool too_long() const { return length_ > limit_; }
  std::string JournalKey() const {
    return std::string(kJournalPrefix) + std::string(reinterpret_cast<const char*>(key_.data()), key_.size());
  }

 private:
  static constexpr char kLabel[] = "dancu import journal 1";
  bool Fill() {
    if (!in_) return false;
    in_.read(block_.data(), static_cast<std::streamsize>(block_.size()));
    pos_ = 0;
    end_ = static_cast<size_t>(in_.gcount());
    return end_ > 0;
  }
  std::istream& in_;
  const size_t limit_;
  std::vector<char> block_;
  size_t pos_ = 0, end_ = 0;
  std::string text_;
  uint64_t length_ = 0;
  std::array<unsigned char, crypto_hash_sha256_BYTES> key_{};
};

// The drafts of up to batch_size lines, and the lines already refused while parsing them.
struct PreparedBatch {
  std::vector<storage::Draft> drafts;
  std::vector<uint64_t> draft_lines;  // line number of each draft
  std::vector<std::pair<uint64_t, storage::FieldErrors>> refused;
  uint64_t already = 0;               // lines skipped as imported by an earlier run
  uint64_t through_line = 0;          // every line up to here is in this batch or an earlier one

  size_t lines() const { return drafts.size() + refused.size() + already; }
};

// Parsing and validation of JSON is as costly as appending, so it runs on its own thread, one
// batch ahead of the writer: a bounded hand-off of at most two prepared batches.
class BatchQueue {
 public:
  void Push(PreparedBatch batch) {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [&] { return batches_.size() < 2 || closed_; });
    if (closed_) return;
    batches_.push_back(std::move(batch));
    ready_.notify_one();
  }
  void Finish(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    status_ = std::move(status);
    ready_.notify_one();
  }
  // The next batch, or nullopt once the producer has finished (see status()).
  std::optional<PreparedBatch> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait(lock, [&] { return !batches_.empty() || finished_; });
    if (batches_.empty()) return std::nullopt;
    PreparedBatch batch = std::move(batches_.front());
    batches_.pop_front();
    space_.notify_one();
    return batch;
  }
  // Stops the producer early (the writer failed).
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    space_.notify_all();
  }
  bool closed() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  Status status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<PreparedBatch> batches_;
  bool finished_ = false, closed_ = false;
  Status status_;
};

// What one line becomes: nothing (blank, or imported already), a draft, or errors.
void PrepareLine(const JournaledLines& lines, uint64_t line, const storage::Store& store,
                 const ImportOptions& options, PreparedBatch& batch, Status& failure) {
  if (lines.too_long()) {
    batch.refused.emplace_back(line, storage::FieldErrors{{"", "is " + std::to_string(lines.length()) +
                                                                   " bytes long; the limit is " +
                                                                   std::to_string(storage::kMaxJsonLineBytes)}});
    return;
  }
  const std::string& text = lines.text();
  if (text.find_first_not_of(" \t\r") == std::string::npos) return;
  std::string journal_key = lines.JournalKey();
  auto imported = store.GetBlob(journal_key);
  if (!imported.ok()) {
    failure = imported.status();
    return;
  }
  if (imported->has_value()) {
    ++batch.already;
    return;
  }
  nlohmann::json values;
  storage::FieldErrors errors = storage::ParseJsonLine(text, &values);
  if (errors.empty()) {
    DraftOrErrors built = MakeDraft(schema::Operation::CREATE, "", values, options.officer, options.role);
    if (built.errors.empty()) {
      built.draft.attachments.emplace_back(std::move(journal_key), "");
      batch.drafts.push_back(std::move(built.draft));
      batch.draft_lines.push_back(line);
      return;
    }
    errors = std::move(built.errors);
  }
  batch.refused.emplace_back(line, std::move(errors));
}

void PrepareBatches(std::istream& in, const storage::Store& store, const ImportOptions& options,
                    BatchQueue& queue) {
  JournaledLines lines(in, storage::kMaxJsonLineBytes);
  PreparedBatch batch;
  uint64_t line = 0;
  Status failure;
  while (lines.Next()) {
    ++line;
    PrepareLine(lines, line, store, options, batch, failure);
    if (!failure.ok()) return queue.Finish(failure);
    batch.through_line = line;
    if (batch.lines() >= options.batch_size) {
      queue.Push(std::move(batch));
      if (queue.closed()) return queue.Finish(Status::Ok());
      batch = PreparedBatch();
      batch.through_line = line;
    }
  }
  if (lines.bad()) return queue.Finish(Status::IOError("reading the input failed at line " + std::to_string(line + 1)));
  queue.Push(std::move(batch));
  queue.Finish(Status::Ok());
}

}  // namespace

Result<ImportProgress> ImportJsonLines(Node& node, std::istream& in, const ImportOptions& options,
                                       const ImportCallbacks& callbacks) {
  BatchQueue queue;
  std::thread producer([&] { PrepareBatches(in, node.store(), options, queue); });
  ImportProgress progress;
  auto reject = [&](uint64_t line, const storage::FieldErrors& errors) {
    ++progress.rejected;
    if (callbacks.on_rejected) callbacks.on_rejected(line, errors);
  };
  Status failure;
  while (auto batch = queue.Pop()) {
    for (const auto& [line, errors] : batch->refused) reject(line, errors);
    progress.already += batch->already;
    if (!batch->drafts.empty()) {
      auto outcome = node.Append(batch->drafts);
      if (!outcome.ok()) {
        failure = outcome.status();
        queue.Close();
        break;
      }
      for (const auto& r : outcome->rejected) reject(batch->draft_lines[r.draft_index], r.errors);
      progress.accepted += outcome->accepted.size();
      if (!outcome->accepted.empty()) progress.last_seq = outcome->accepted.back().seq;
    }
    progress.lines = batch->through_line;
    if (callbacks.on_committed) callbacks.on_committed(progress);
  }
  producer.join();
  DANCU_RETURN_IF_ERROR(failure);
  DANCU_RETURN_IF_ERROR(queue.status());
  return progress;
}

}  // namespace dancu::node
