#include "storage/conflict_key.h"

#include <capnp/message.h>

#include <algorithm>
#include <utility>

#include "storage/canonical.h"
#include "storage/crypto.h"
#include "storage/ingest.capnp.h"
#include "storage/store_layout.h"

namespace dancu::storage {

std::string ConflictId(std::string_view record_id, uint32_t what, VersionRef a, VersionRef b) {
  if (std::pair(b.origin, b.seq) < std::pair(a.origin, a.seq)) std::swap(a, b);
  std::string material = "dancu/conflict/v1";
  material += layout::EncodeU64(record_id.size());
  material += record_id;
  material += layout::EncodeU64(what);
  for (const VersionRef& v : {a, b}) {
    material += layout::EncodeU64(v.origin);
    material += layout::EncodeU64(v.seq);
  }
  Hash256 hash = Blake2b256(material);
  return ToHex(std::string_view(reinterpret_cast<const char*>(hash.data()), 8));
}

std::string ConflictBytes(const std::string& id, const std::string& record_id, schema::ConflictKind kind,
                          uint16_t field, VersionRef kept, VersionRef other, const std::string& other_record,
                          bool review, uint64_t now_ms) {
  capnp::MallocMessageBuilder message;
  auto c = message.initRoot<schema::Conflict>();
  c.setId(id);
  c.setRecordId(record_id);
  c.setKind(kind);
  c.setField(field);
  c.getKept().setOrigin(kept.origin);
  c.getKept().setSeq(kept.seq);
  c.getOther().setOrigin(other.origin);
  c.getOther().setSeq(other.seq);
  c.setOtherRecordId(other_record);
  c.setReview(review);
  c.setDetectedAt(now_ms);
  c.initResolvedBy();
  return Canonicalize(c.asReader());
}

std::string ConflictPrefix(std::string_view record_id) {
  std::string prefix(record_id);
  prefix.push_back('\0');
  return prefix;
}

std::string ConflictKey(std::string_view record_id, std::string_view conflict_id) {
  return ConflictPrefix(record_id) + std::string(conflict_id);
}

std::string DuplicateCaseId(std::string_view a, std::string_view b, schema::ConflictKind kind) {
  // A citizen number's case keeps the id it had before other kinds of cases existed.
  const uint32_t what = kind == schema::ConflictKind::DUPLICATE_CITIZEN_NO ? 0x10000u | 1u : 0x20000u;
  std::string pair = std::string(std::min(a, b)) + "|" + std::string(std::max(a, b));
  return ConflictId(pair, what, {}, {});
}

}  // namespace dancu::storage
