#include "node/importer.h"

#include "node/resident_drafts.h"
#include "storage/record_json.h"

namespace dancu::node {

namespace {

class BatchImporter {
 public:
  BatchImporter(Node& node, const ImportOptions& options, const ImportCallbacks& callbacks)
      : node_(node), options_(options), callbacks_(callbacks) {}

  Status AddLine(const std::string& text) {
    uint64_t line = ++progress_.lines;
    if (text.find_first_not_of(" \t\r") == std::string::npos) return Status::Ok();
    nlohmann::json values;
    storage::FieldErrors errors = storage::ParseJsonLine(text, &values);
    if (errors.empty()) {
      DraftOrErrors built = MakeDraft(schema::Operation::CREATE, "", values, options_.officer);
      if (built.errors.empty()) {
        drafts_.push_back(std::move(built.draft));
        lines_.push_back(line);
        if (drafts_.size() >= options_.batch_size) return Flush();
        return Status::Ok();
      }
      errors = std::move(built.errors);
    }
    Reject(line, errors);
    return Status::Ok();
  }

  Status Flush() {
    if (drafts_.empty()) return Status::Ok();
    auto outcome = node_.Append(drafts_);
    if (!outcome.ok()) return outcome.status();
    for (const auto& rejected : outcome->rejected) Reject(lines_[rejected.draft_index], rejected.errors);
    progress_.accepted += outcome->accepted.size();
    if (!outcome->accepted.empty()) progress_.last_seq = outcome->accepted.back().seq;
    drafts_.clear();
    lines_.clear();
    if (callbacks_.on_committed) callbacks_.on_committed(progress_);
    return Status::Ok();
  }

  const ImportProgress& progress() const { return progress_; }

 private:
  void Reject(uint64_t line, const storage::FieldErrors& errors) {
    ++progress_.rejected;
    if (callbacks_.on_rejected) callbacks_.on_rejected(line, errors);
  }

  Node& node_;
  const ImportOptions& options_;
  const ImportCallbacks& callbacks_;
  std::vector<storage::Draft> drafts_;
  std::vector<uint64_t> lines_;  // line number of each draft
  ImportProgress progress_;
};

}  // namespace

Result<ImportProgress> ImportJsonLines(Node& node, std::istream& in, const ImportOptions& options,
                                       const ImportCallbacks& callbacks) {
  BatchImporter importer(node, options, callbacks);
  std::string line;
  while (std::getline(in, line)) DANCU_RETURN_IF_ERROR(importer.AddLine(line));
  if (in.bad()) return Status::IOError("reading the input failed");
  DANCU_RETURN_IF_ERROR(importer.Flush());
  return importer.progress();
}

}  // namespace dancu::node
