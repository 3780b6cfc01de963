// Bulk import of residents from JSON Lines, in durable batches.
//
// Each line is one resident as a JSON object (storage/record_json.h), created by `officer`. Lines
// are read, parsed and validated; the good ones of a batch are appended together (one WriteBatch,
// one fsync, one signed checkpoint) before the next batch is read. A bad line is reported with its
// line number and every field error, and changes nothing; the lines around it are kept. A citizen
// number already on the node, or earlier in the file, rejects the line.
//
// Import journal: a run can be repeated. Line L of the input is known by its key, SHA-256 of the
// key of line L-1 and the bytes of line L (the first line chains from a fixed label): the identity
// of "the first L lines of this input", computed while reading, so a pipe is known as well as a
// file. The key of every imported line is written (blobs family, kJournalPrefix) in the same
// WriteBatch as its resident (Draft::attachments), so a kill at any point leaves both or neither.
// A line whose key is in the journal is skipped and counted as already imported: importing the same
// input again, or again after a kill, or the same input grown by lines at its end, creates each
// line's resident exactly once, with or without a citizen number. A line edited in the input
// changes the key of every line from there on: those lines count as new (their citizen numbers,
// if any, are then refused as taken). Lines refused before are refused again.
//
// Memory is bounded by kMaxJsonLineBytes, checked while reading: a longer line is read no further
// than the limit (the rest is hashed and skipped up to the next newline) and reported as too long.
//
// `on_committed` runs after each batch is durable: what it reports is acknowledged and survives any
// crash from then on. Lines are parsed on a second thread, one batch ahead of the appends; the
// callbacks run on the calling thread, in line order within each batch.
#pragma once

#include <functional>
#include <istream>
#include <string>
#include <string_view>

#include "node/node.h"
#include "storage/validation.h"

namespace dancu::node {

// Blob keys of the import journal: kJournalPrefix + the line's 32-byte key; the value is empty.
inline constexpr std::string_view kJournalPrefix = "import/";

struct ImportOptions {
  std::string officer;
  size_t batch_size = 2000;
  schema::OfficerRole role = schema::OfficerRole::CLERK;  // the officer's, signed with each change
};

struct ImportProgress {
  uint64_t lines = 0;      // lines read so far (blank lines included)
  uint64_t accepted = 0;   // durable residents created
  uint64_t already = 0;    // lines an earlier run imported, skipped
  uint64_t rejected = 0;   // lines refused
  uint64_t last_seq = 0;   // this node's log head after the last durable batch
};

struct ImportCallbacks {
  std::function<void(uint64_t line, const storage::FieldErrors& errors)> on_rejected;
  std::function<void(const ImportProgress& progress)> on_committed;
};

// Errors: IOError from the store or from reading `in` (what was committed before stays committed
// and was reported).
Result<ImportProgress> ImportJsonLines(Node& node, std::istream& in, const ImportOptions& options,
                                       const ImportCallbacks& callbacks);

}  // namespace dancu::node
