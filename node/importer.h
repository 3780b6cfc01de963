// Bulk import of residents from JSON Lines, in durable batches.
//
// Each line is one resident as a JSON object (storage/record_json.h), created by `officer`. Lines
// are read, parsed and validated; the good ones of a batch are appended together (one WriteBatch,
// one fsync, one signed checkpoint) before the next batch is read. A bad line is reported with its
// line number and every field error, and changes nothing; the lines around it are kept. A citizen
// number already on the node, or earlier in the file, rejects the line: importing the same file
// twice (after a crash, say) adds only what the first run did not.
//
// `on_committed` runs after each batch is durable: what it reports is acknowledged and survives any
// crash from then on. Lines are parsed on a second thread, one batch ahead of the appends; the
// callbacks run on the calling thread, in line order within each batch.
#pragma once

#include <functional>
#include <istream>
#include <string>

#include "node/node.h"
#include "storage/validation.h"

namespace dancu::node {

struct ImportOptions {
  std::string officer;
  size_t batch_size = 2000;
  schema::OfficerRole role = schema::OfficerRole::CLERK;  // the officer's, signed with each change
};

struct ImportProgress {
  uint64_t lines = 0;      // lines read so far (blank lines included)
  uint64_t accepted = 0;   // durable residents created
  uint64_t rejected = 0;   // lines refused
  uint64_t last_seq = 0;   // this node's log head after the last durable batch
};

struct ImportCallbacks {
  std::function<void(uint64_t line, const storage::FieldErrors& errors)> on_rejected;
  std::function<void(const ImportProgress& progress)> on_committed;
};

// Errors: IOError from the store (what was committed before stays committed and was reported).
Result<ImportProgress> ImportJsonLines(Node& node, std::istream& in, const ImportOptions& options,
                                       const ImportCallbacks& callbacks);

}  // namespace dancu::node
