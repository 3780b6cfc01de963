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

std::string EncodeEntry(schema::Change::Reader change) {
  capnp::MallocMessageBuilder message(kRecordMessageWords);
  auto entry = message.initRoot<schema::LogEntry>();
  entry.setChange(change);
  return Canonicalize(entry.asReader());
}

std::string CheckpointMessage(uint64_t origin, uint64_t size, const Hash256& root) {
  std::string message = "dancu/tree-head/v2";
  AppendBigEndian(message, origin);
  AppendBigEndian(message, size);
  message.append(AsBytes(root));
  return message;
}

std::string EncodeCheckpoint(const SigningKey& key, uint64_t size, const Hash256& root) {
  Signature sig = key.Sign(CheckpointMessage(key.node_id(), size, root));
  capnp::MallocMessageBuilder message;
  auto checkpoint = message.initRoot<schema::Checkpoint>();
  checkpoint.setOrigin(key.node_id());
  checkpoint.setSeq(size);
  checkpoint.setRoot(DataOf(root));
  checkpoint.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  return Canonicalize(checkpoint.asReader());
}

Status VerifyCheckpoint(schema::Checkpoint::Reader checkpoint, const PublicKey& key) {
  auto root = HashFromData(checkpoint.getRoot(), "checkpoint root");
  if (!root.ok()) return root.status();
  auto sig_data = checkpoint.getSignature();
  if (sig_data.size() != sizeof(Signature)) {
    return Status::Corruption("checkpoint signature is not 64 bytes");
  }
  Signature sig;
  std::copy(sig_data.begin(), sig_data.end(), sig.begin());
  if (!VerifySignature(key, CheckpointMessage(checkpoint.getOrigin(), checkpoint.getSeq(), *root),
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

std::string PackHashes(const std::vector<Hash256>& hashes) {
  std::string out;
  out.reserve(hashes.size() * sizeof(Hash256));
  for (const Hash256& h : hashes) out.append(AsBytes(h));
  return out;
}

Result<std::vector<Hash256>> UnpackHashes(std::string_view bytes, size_t max_hashes, std::string_view what) {
  if (bytes.size() % sizeof(Hash256) != 0) {
    return Status::Corruption(std::string(what) + " is not a whole number of 32-byte hashes");
  }
  if (bytes.size() / sizeof(Hash256) > max_hashes) {
    return Status::Corruption(std::string(what) + " holds " + std::to_string(bytes.size() / sizeof(Hash256)) +
                              " hashes, more than the " + std::to_string(max_hashes) + " any proof needs");
  }
  std::vector<Hash256> hashes(bytes.size() / sizeof(Hash256));
  for (size_t i = 0; i < hashes.size(); ++i) std::memcpy(hashes[i].data(), bytes.data() + i * sizeof(Hash256), sizeof(Hash256));
  return hashes;
}

}  // namespace dancu::storage
