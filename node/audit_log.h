// AuditLog: the signed, hash-chained audit of agency verifications (docs/agency-verification.md).
//
// Each answering node (an origin) keeps one chain of audit batches numbered 1, 2, 3 ...; a batch
// names the BLAKE2b-256 of the previous batch's bytes and is signed by its origin over
// "dancu/audit/v1" || batch (node/agency.capnp). The node's own entries are group-committed:
// Record() queues an entry and blocks until a writer thread has made the batch holding it durable
// (one signature and one synced RocksDB write for everything queued meanwhile, up to kMaxBatch
// entries), together with the rows the caller attached (a transaction's receipt). Batches of
// other origins arrive from children (replication/session.h) and are kept after checking their
// signature with the origin's certified key and that they continue the chain held.
// Stored in the store's metadata: "audit/" origin(8) seq(8) -> SignedAuditBatch.
//
// Thread-safe. Owns its writer thread (started by Load, stopped by the destructor); the Store and
// the signing key must outlive it. Errors: IOError from the store; Corruption for a batch that
// does not verify; InvalidArgument for one that does not continue the chain held.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "node/agency.capnp.h"
#include "storage/canonical.h"
#include "storage/crypto.h"
#include "storage/log_verify.h"
#include "storage/store.h"

namespace dancu::node {

struct AuditRecord {
  uint64_t agency_id = 0;
  std::string transaction_id, procedure, officer, consent_mode;
  std::string token, request_hash, consent_hash;  // raw bytes
  schema::AuditOutcome outcome = schema::AuditOutcome::NO;
  uint64_t at = 0;
};

class AuditLog {
 public:
  static constexpr size_t kMaxBatch = 4096;

  // `key`: the node's signing key, to sign its own batches (nullptr: a read-only view that records
  // nothing). `keys`: the certified keys of origins, for batches received.
  static Result<std::unique_ptr<AuditLog>> Load(storage::Store& store, const storage::SigningKey* key,
                                                storage::KeyLookup keys);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends `record` to this node's audit, with `rows` (metadata written in the same batch), and
  // returns once durable. FailedPrecondition on a read-only view; IOError when the write failed
  // (the entry is then not in the audit, and the caller must not answer as if it were).
  Status Record(AuditRecord record, std::vector<std::pair<std::string, std::string>> rows = {});

  // Per origin, the last batch held.
  std::map<uint64_t, uint64_t> Held() const;
  // Signed batches of any origin held beyond `peer_held`, oldest first, at most `max`.
  Result<std::vector<std::string>> After(const std::map<uint64_t, uint64_t>& peer_held, size_t max) const;
  // Keeps a batch received from a child. Returns true if new; false if held already.
  Result<bool> Accept(std::string_view signed_batch);
  // Visits every entry held, origin by origin, oldest first, until `visit` returns false.
  Status Scan(const std::function<bool(uint64_t origin, uint64_t seq, schema::AuditEntry::Reader)>& visit) const;
  // Visits this node's own entries audited at or after `since_ms` (ms since the Unix epoch), oldest
  // first. Reads its batches back from the head to the first that begins before `since_ms`, then
  // forward: the cost is the batches of that period, not the whole audit. FailedPrecondition on a
  // read-only view; Corruption for a batch missing or unreadable.
  Status ScanOwnSince(uint64_t since_ms, const std::function<void(schema::AuditEntry::Reader)>& visit) const;

 private:
  struct Pending {
    AuditRecord record;
    std::vector<std::pair<std::string, std::string>> rows;
    Status* result;
    bool* done;
  };
  struct Head {
    uint64_t seq = 0;
    storage::Hash256 hash{};
  };
  AuditLog(storage::Store& store, const storage::SigningKey* key, storage::KeyLookup keys)
      : store_(store), key_(key), keys_(std::move(keys)) {}
  void WriterLoop();
  // The stored batch `seq` of `origin`, parsed.
  Result<storage::Parsed<schema::AuditBatch>> ReadBatch(uint64_t origin, uint64_t seq) const;
  Status Commit(std::vector<Pending>& batch);

  storage::Store& store_;
  const storage::SigningKey* const key_;
  const storage::KeyLookup keys_;
  mutable std::mutex mu_;  // guards heads_ and the batch files per origin
  std::map<uint64_t, Head> heads_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_, done_cv_;
  std::deque<Pending> queue_;
  bool stop_ = false;
  std::thread writer_;
};

// What an origin signs: kAuditDomain || the batch's canonical bytes.
inline constexpr std::string_view kAuditDomain = "dancu/audit/v1";

// The signed bytes of a batch are verified with `key`; the batch, parsed. Corruption otherwise.
Result<storage::Parsed<schema::AuditBatch>> VerifyAuditBatch(std::string_view signed_batch,
                                                             const storage::KeyLookup& keys);

}  // namespace dancu::node
