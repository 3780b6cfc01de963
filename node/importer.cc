#include "node/importer.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "node/resident_drafts.h"
#include "storage/record_json.h"

namespace dancu::node {

namespace {

// The drafts of up to batch_size lines, and the lines already refused while parsing them.
struct PreparedBatch {
  std::vector<storage::Draft> drafts;
  std::vector<uint64_t> draft_lines;  // line number of each draft
  std::vector<std::pair<uint64_t, storage::FieldErrors>> refused;
  uint64_t through_line = 0;          // every line up to here is in this batch or an earlier one
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

void PrepareBatches(std::istream& in, const ImportOptions& options, BatchQueue& queue) {
  PreparedBatch batch;
  uint64_t line = 0;
  std::string text;
  while (std::getline(in, text)) {
    ++line;
    batch.through_line = line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json values;
    storage::FieldErrors errors = storage::ParseJsonLine(text, &values);
    if (errors.empty()) {
      DraftOrErrors built = MakeDraft(schema::Operation::CREATE, "", values, options.officer, options.role);
      if (built.errors.empty()) {
        batch.drafts.push_back(std::move(built.draft));
        batch.draft_lines.push_back(line);
      } else {
        errors = std::move(built.errors);
      }
    }
    if (!errors.empty()) batch.refused.emplace_back(line, std::move(errors));
    if (batch.drafts.size() >= options.batch_size) {
      queue.Push(std::move(batch));
      if (queue.closed()) return queue.Finish(Status::Ok());
      batch = PreparedBatch();
      batch.through_line = line;
    }
  }
  if (in.bad()) return queue.Finish(Status::IOError("reading the input failed"));
  queue.Push(std::move(batch));
  queue.Finish(Status::Ok());
}

}  // namespace

Result<ImportProgress> ImportJsonLines(Node& node, std::istream& in, const ImportOptions& options,
                                       const ImportCallbacks& callbacks) {
  BatchQueue queue;
  std::thread producer([&] { PrepareBatches(in, options, queue); });
  ImportProgress progress;
  auto reject = [&](uint64_t line, const storage::FieldErrors& errors) {
    ++progress.rejected;
    if (callbacks.on_rejected) callbacks.on_rejected(line, errors);
  };
  Status failure;
  while (auto batch = queue.Pop()) {
    for (const auto& [line, errors] : batch->refused) reject(line, errors);
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
