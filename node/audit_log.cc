#include "node/audit_log.h"

#include <capnp/message.h>

#include "storage/canonical.h"
#include "storage/store_layout.h"

namespace dancu::node {

namespace {

constexpr std::string_view kBatchPrefix = "audit/";      // origin(8) seq(8) -> SignedAuditBatch
constexpr std::string_view kHeadPrefix = "audit-head/";  // origin(8) -> seq(8) hash(32)

std::string BatchKey(uint64_t origin, uint64_t seq) {
  return std::string(kBatchPrefix) + storage::layout::EncodeU64(origin) + storage::layout::EncodeU64(seq);
}

kj::ArrayPtr<const kj::byte> Bytes(std::string_view s) {
  return kj::arrayPtr(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}

std::string HeadRow(uint64_t seq, const storage::Hash256& hash) {
  return storage::layout::EncodeU64(seq) + std::string(storage::AsBytes(hash));
}

}  // namespace

namespace {

Result<storage::Parsed<schema::AuditBatch>> VerifyBatch(std::string_view signed_batch, const storage::KeyLookup& keys) {
  auto outer = storage::Parsed<schema::SignedAuditBatch>::Parse(signed_batch, "audit batch");
  if (!outer.ok()) return outer.status();
  const std::string_view body = storage::AsView(outer->get().getBatch());
  auto batch = storage::Parsed<schema::AuditBatch>::Parse(body, "audit batch");
  if (!batch.ok()) return batch.status();
  const uint64_t origin = batch->get().getOrigin();
  auto key = keys(origin);
  if (!key) return Status::Corruption("audit batch of " + storage::IdHex(origin) + ": its origin is not certified here");
  auto sig_data = outer->get().getSignature();
  storage::Signature sig{};
  if (sig_data.size() != sig.size()) return Status::Corruption("audit batch: the signature is not 64 bytes");
  std::copy(sig_data.begin(), sig_data.end(), sig.begin());
  if (!storage::VerifySignature(*key, std::string(kAuditDomain) + std::string(body), sig)) {
    return Status::Corruption("audit batch " + std::to_string(batch->get().getSeq()) + " of " +
                              storage::IdHex(origin) + ": the signature does not verify");
  }
  if (batch->get().getPrevHash().size() != 32) return Status::Corruption("audit batch: prevHash is not 32 bytes");
  for (auto entry : batch->get().getEntries()) {  // every field readable, as the audit's readers read them
    (void)entry.getTransactionId().size();
    (void)entry.getProcedure().size();
    (void)entry.getOperator().size();
    (void)entry.getConsentMode().size();
    (void)entry.getToken().size();
    (void)entry.getRequestHash().size();
    (void)entry.getConsentHash().size();
  }
  return batch;
}

}  // namespace

Result<storage::Parsed<schema::AuditBatch>> VerifyAuditBatch(std::string_view signed_batch,
                                                             const storage::KeyLookup& keys) {
  // Canonical bytes may still hold a field of the wrong kind or a text without its NUL: Cap'n Proto
  // throws when it is read.
  try {
    return VerifyBatch(signed_batch, keys);
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("audit batch: ") + e.getDescription().cStr());
  }
}

Result<std::unique_ptr<AuditLog>> AuditLog::Load(storage::Store& store, const storage::SigningKey* key,
                                                 storage::KeyLookup keys) {
  std::unique_ptr<AuditLog> log(new AuditLog(store, key, std::move(keys)));
  Status bad;
  DANCU_RETURN_IF_ERROR(store.ScanMeta(kHeadPrefix, [&](std::string_view k, std::string_view v) {
    if (k.size() != kHeadPrefix.size() + 8 || v.size() != 40) {
      bad = Status::Corruption("a stored audit head is malformed");
      return false;
    }
    Head head;
    storage::layout::DecodeU64(v.substr(0, 8), &head.seq);  // sizes checked above
    std::copy(v.begin() + 8, v.end(), head.hash.begin());
    uint64_t origin = 0;
    storage::layout::DecodeU64(k.substr(kHeadPrefix.size()), &origin);
    log->heads_[origin] = head;
    return true;
  }));
  DANCU_RETURN_IF_ERROR(bad);
  if (key != nullptr) log->writer_ = std::thread([raw = log.get()] { raw->WriterLoop(); });
  return log;
}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(queue_mu_);
    stop_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

Status AuditLog::Record(AuditRecord record, std::vector<std::pair<std::string, std::string>> rows) {
  if (key_ == nullptr) return Status::FailedPrecondition("the audit is open for reading only");
  Status result;
  bool done = false;
  std::unique_lock lock(queue_mu_);
  if (stop_) return Status::FailedPrecondition("the audit is closing");
  queue_.push_back(Pending{std::move(record), std::move(rows), &result, &done});
  queue_cv_.notify_one();
  done_cv_.wait(lock, [&] { return done; });
  return result;
}

void AuditLog::WriterLoop() {
  std::unique_lock lock(queue_mu_);
  while (true) {
    queue_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::vector<Pending> batch;
    while (!queue_.empty() && batch.size() < kMaxBatch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    const Status committed = Commit(batch);  // requests arriving meanwhile form the next batch
    lock.lock();
    for (Pending& p : batch) {
      *p.result = committed;
      *p.done = true;
    }
    done_cv_.notify_all();
  }
}

Status AuditLog::Commit(std::vector<Pending>& pending) {
  std::lock_guard lock(mu_);
  const uint64_t origin = key_->node_id();
  Head& head = heads_[origin];
  capnp::MallocMessageBuilder message;
  auto batch = message.initRoot<schema::AuditBatch>();
  batch.setOrigin(origin);
  batch.setSeq(head.seq + 1);
  batch.setPrevHash(kj::arrayPtr(head.hash.data(), head.hash.size()));
  auto entries = batch.initEntries(static_cast<unsigned>(pending.size()));
  for (unsigned i = 0; i < entries.size(); ++i) {
    const AuditRecord& r = pending[i].record;
    auto e = entries[i];
    e.setAgencyId(r.agency_id);
    e.setTransactionId(r.transaction_id);
    e.setProcedure(r.procedure);
    e.setOperator(r.officer);
    e.setToken(Bytes(r.token));
    e.setOutcome(r.outcome);
    e.setRequestHash(Bytes(r.request_hash));
    e.setAt(r.at);
    e.setConsentMode(r.consent_mode);
    e.setConsentHash(Bytes(r.consent_hash));
  }
  const std::string body = storage::Canonicalize(batch.asReader());
  const storage::Signature sig = key_->Sign(std::string(kAuditDomain) + body);
  capnp::MallocMessageBuilder signed_message;
  auto signed_batch = signed_message.initRoot<schema::SignedAuditBatch>();
  signed_batch.setBatch(Bytes(body));
  signed_batch.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  const Head next{head.seq + 1, storage::Blake2b256(body)};

  std::vector<std::pair<std::string, std::string>> rows;
  for (Pending& p : pending) {
    for (auto& row : p.rows) rows.push_back(std::move(row));
  }
  rows.emplace_back(BatchKey(origin, next.seq), storage::Canonicalize(signed_batch.asReader()));
  rows.emplace_back(std::string(kHeadPrefix) + storage::layout::EncodeU64(origin), HeadRow(next.seq, next.hash));
  DANCU_RETURN_IF_ERROR(store_.PutMetas(rows));
  head = next;
  return Status::Ok();
}

std::map<uint64_t, uint64_t> AuditLog::Held() const {
  std::lock_guard lock(mu_);
  std::map<uint64_t, uint64_t> held;
  for (const auto& [origin, head] : heads_) {
    if (head.seq > 0) held[origin] = head.seq;
  }
  return held;
}

Result<std::vector<std::string>> AuditLog::After(const std::map<uint64_t, uint64_t>& peer_held, size_t max) const {
  const auto held = Held();
  std::vector<std::string> out;
  for (const auto& [origin, seq] : held) {
    auto it = peer_held.find(origin);
    for (uint64_t s = (it == peer_held.end() ? 0 : it->second) + 1; s <= seq && out.size() < max; ++s) {
      auto bytes = store_.GetMeta(BatchKey(origin, s));
      if (!bytes.ok()) return bytes.status();
      if (!bytes->has_value()) return Status::Corruption("audit batch " + std::to_string(s) + " of " +
                                                         storage::IdHex(origin) + " is missing");
      out.push_back(std::move(**bytes));
    }
  }
  return out;
}

Result<bool> AuditLog::Accept(std::string_view signed_batch) {
  auto batch = VerifyAuditBatch(signed_batch, keys_);
  if (!batch.ok()) return batch.status();
  const uint64_t origin = batch->get().getOrigin(), seq = batch->get().getSeq();
  if (key_ != nullptr && origin == key_->node_id()) return false;  // this node's own: it holds them
  std::lock_guard lock(mu_);
  Head& head = heads_[origin];
  if (seq <= head.seq) return false;
  if (seq != head.seq + 1) {
    return Status::InvalidArgument("audit batch " + std::to_string(seq) + " of " + storage::IdHex(origin) +
                                   " does not follow batch " + std::to_string(head.seq));
  }
  auto prev = batch->get().getPrevHash();
  if (!std::equal(prev.begin(), prev.end(), head.hash.begin())) {
    return Status::Corruption("audit batch " + std::to_string(seq) + " of " + storage::IdHex(origin) +
                              " does not chain to the batch held before it");
  }
  const Head next{seq, storage::Blake2b256(storage::AsView(
                           storage::Parsed<schema::SignedAuditBatch>::Own(signed_batch).get().getBatch()))};
  const std::vector<std::pair<std::string, std::string>> rows = {
      {BatchKey(origin, seq), std::string(signed_batch)},
      {std::string(kHeadPrefix) + storage::layout::EncodeU64(origin), HeadRow(next.seq, next.hash)}};
  DANCU_RETURN_IF_ERROR(store_.PutMetas(rows));
  head = next;
  return true;
}

Result<storage::Parsed<schema::AuditBatch>> AuditLog::ReadBatch(uint64_t origin, uint64_t seq) const {
  auto bytes = store_.GetMeta(BatchKey(origin, seq));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) {
    return Status::Corruption("audit batch " + std::to_string(seq) + " of " + storage::IdHex(origin) + " is missing");
  }
  auto outer = storage::Parsed<schema::SignedAuditBatch>::Parse(**bytes, "audit batch");
  if (!outer.ok()) return outer.status();
  return storage::Parsed<schema::AuditBatch>::Parse(storage::AsView(outer->get().getBatch()), "audit batch");
}

Status AuditLog::ScanOwnSince(uint64_t since_ms, const std::function<void(schema::AuditEntry::Reader)>& visit) const {
  if (key_ == nullptr) return Status::FailedPrecondition("a read-only audit has no own entries to scan");
  const uint64_t origin = key_->node_id();
  const auto held = Held();
  const uint64_t head = held.count(origin) ? held.at(origin) : 0;
  uint64_t first = head + 1;  // the oldest batch that may hold an entry since `since_ms`
  while (first > 1) {
    auto batch = ReadBatch(origin, first - 1);
    if (!batch.ok()) return batch.status();
    --first;
    auto entries = batch->get().getEntries();
    if (entries.size() > 0 && entries[0].getAt() < since_ms) break;
  }
  for (uint64_t seq = first; seq <= head; ++seq) {
    auto batch = ReadBatch(origin, seq);
    if (!batch.ok()) return batch.status();
    for (auto entry : batch->get().getEntries()) {
      if (entry.getAt() >= since_ms) visit(entry);
    }
  }
  return Status::Ok();
}

Status AuditLog::Scan(const std::function<bool(uint64_t, uint64_t, schema::AuditEntry::Reader)>& visit) const {
  Status bad;
  bool going = true;
  DANCU_RETURN_IF_ERROR(store_.ScanMeta(kBatchPrefix, [&](std::string_view k, std::string_view v) {
    if (k.size() != kBatchPrefix.size() + 16) return true;
    auto outer = storage::Parsed<schema::SignedAuditBatch>::Parse(v, "audit batch");
    if (!outer.ok()) {
      bad = outer.status();
      return false;
    }
    auto batch = storage::Parsed<schema::AuditBatch>::Parse(storage::AsView(outer->get().getBatch()), "audit batch");
    if (!batch.ok()) {
      bad = batch.status();
      return false;
    }
    for (auto entry : batch->get().getEntries()) {
      if (!(going = visit(batch->get().getOrigin(), batch->get().getSeq(), entry))) break;
    }
    return going;
  }));
  return bad;
}

}  // namespace dancu::node
