#include "storage/log_format.h"

#include <capnp/message.h>

#include <algorithm>
#include <cstring>

#include "storage/canonical.h"

namespace dancu::storage {

namespace {
void AppendBigEndian(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}
kj::ArrayPtr<const kj::byte> DataOf(const Hash256& h) { return kj::arrayPtr(h.data(), h.size()); }
}  // namespace

std::string EncodeEntry(const Hash256& prev, schema::Change::Reader change) {
  capnp::MallocMessageBuilder message(kRecordMessageWords);
  auto entry = message.initRoot<schema::LogEntry>();
  entry.setPrevHash(DataOf(prev));
  entry.setChange(change);
  return Canonicalize(entry.asReader());
}

std::string CheckpointMessage(uint64_t origin, uint64_t seq, const Hash256& head) {
  std::string message = "dancu/checkpoint/v1";
  AppendBigEndian(message, origin);
  AppendBigEndian(message, seq);
  message.append(AsBytes(head));
  return message;
}

std::string EncodeCheckpoint(const SigningKey& key, uint64_t seq, const Hash256& head) {
  Signature sig = key.Sign(CheckpointMessage(key.node_id(), seq, head));
  capnp::MallocMessageBuilder message;
  auto checkpoint = message.initRoot<schema::Checkpoint>();
  checkpoint.setOrigin(key.node_id());
  checkpoint.setSeq(seq);
  checkpoint.setHead(DataOf(head));
  checkpoint.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  return Canonicalize(checkpoint.asReader());
}

Status VerifyCheckpoint(schema::Checkpoint::Reader checkpoint, const PublicKey& key) {
  auto head = HashFromData(checkpoint.getHead(), "checkpoint head");
  if (!head.ok()) return head.status();
  auto sig_data = checkpoint.getSignature();
  if (sig_data.size() != sizeof(Signature)) {
    return Status::Corruption("checkpoint signature is not 64 bytes");
  }
  Signature sig;
  std::copy(sig_data.begin(), sig_data.end(), sig.begin());
  if (!VerifySignature(key, CheckpointMessage(checkpoint.getOrigin(), checkpoint.getSeq(), *head),
                       sig)) {
    return Status::Corruption("checkpoint signature does not verify");
  }
  return Status::Ok();
}

Result<Hash256> HashFromData(capnp::Data::Reader data, std::string_view what) {
  if (data.size() != sizeof(Hash256)) {
    return Status::Corruption(std::string(what) + " is not 32 bytes");
  }
  Hash256 h;
  std::copy(data.begin(), data.end(), h.begin());
  return h;
}

}  // namespace dancu::storage
