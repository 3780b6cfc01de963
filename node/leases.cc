#include "node/leases.h"

#include <capnp/message.h>

#include <cstdio>
#include <mutex>

#include "node/identity.capnp.h"
#include "storage/canonical.h"
#include "storage/citizen_number.h"
#include "storage/store_layout.h"
#include "storage/units.h"

namespace dancu::node {

namespace {

constexpr uint32_t kPoolEnd = 1000000;
constexpr int kMaxDepth = 6;  // central -> province -> district -> commune, with room
std::mutex g_cursor_mu;       // the cursors' read-modify-write

std::string Hex8(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}
std::string HeldKey(std::string_view province, uint32_t first) {
  return "lease/held/" + std::string(province) + "/" + Hex8(first);
}
std::string UsedKey(std::string_view province, uint32_t first) {
  return "lease/used/" + std::string(province) + "/" + Hex8(first);
}
std::string PoolKey(std::string_view province) { return "lease/pool/" + std::string(province); }

Result<uint64_t> ReadCounter(const storage::Store& store, const std::string& key, uint64_t otherwise) {
  auto value = store.GetMeta(key);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return otherwise;
  uint64_t v = 0;
  if (!storage::layout::DecodeU64(**value, &v)) return Status::Corruption("counter " + key + " is not 8 bytes");
  return v;
}

std::string SignedBytes(schema::Lease::Reader lease) {
  capnp::MallocMessageBuilder message;
  message.setRoot(lease);
  message.getRoot<schema::Lease>().disownSignature();
  return "dancu/lease/v1" + storage::Canonicalize(message.getRoot<schema::Lease>().asReader());
}

Result<LeaseInfo> Verify(const Node& node, std::string_view bytes, int depth) {
  if (depth > kMaxDepth) return Status::Corruption("lease: chain too deep");
  auto parsed = storage::Parsed<schema::Lease>::Parse(bytes, "lease");
  if (!parsed.ok()) return parsed.status();
  auto lease = parsed->get();
  LeaseInfo info{lease.getLessee(), lease.getLessor(), lease.getProvince().cStr(), lease.getFirst(), lease.getCount(), 0};
  if (!storage::UnitRegistry::Get().IsCitizenProvinceCode(info.province)) {
    return Status::Corruption("lease: " + info.province + " is not a citizen-number province code");
  }
  if (info.count == 0 || info.first >= kPoolEnd || info.count > kPoolEnd - info.first) {
    return Status::Corruption("lease: serials out of range");
  }
  auto lessor = node.directory().Find(info.lessor);
  if (!lessor) return Status::Corruption("lease: lessor " + NodeIdHex(info.lessor) + " is not known here");
  storage::Signature signature;
  if (lease.getSignature().size() != signature.size()) return Status::Corruption("lease: signature is not 64 bytes");
  std::copy(lease.getSignature().begin(), lease.getSignature().end(), signature.begin());
  if (!storage::VerifySignature(lessor->chain.leaf_signing_key, SignedBytes(lease), signature)) {
    return Status::Corruption("lease: signature does not verify with the lessor's key");
  }
  if (lease.getParent().size() == 0) {
    if (lessor->chain.leaf_role != schema::Role::CENTRAL || info.first < kPoolFirst) {
      return Status::Corruption("lease: only central leases from its pool, and only serials from 900,000");
    }
    return info;
  }
  auto parent_bytes = lease.getParent();
  auto parent = Verify(node, std::string_view(reinterpret_cast<const char*>(parent_bytes.begin()), parent_bytes.size()),
                       depth + 1);
  if (!parent.ok()) return parent.status();
  if (parent->lessee != info.lessor || parent->province != info.province || info.first < parent->first ||
      info.first + info.count > parent->first + parent->count) {
    return Status::Corruption("lease: not inside the lessor's own lease");
  }
  return info;
}

// Consumes `count` serials of `province` from this node's leases (central: its pool). Returns
// the first serial and the lease they came from (empty for the pool). Requires g_cursor_mu.
struct Taken {
  uint32_t first;
  std::string from;
};
Result<Taken> Take(Node& node, const std::string& province, uint32_t count) {
  storage::Store& store = node.store();
  if (node.config().role == schema::Role::CENTRAL) {
    auto next = ReadCounter(store, PoolKey(province), kPoolFirst);
    if (!next.ok()) return next.status();
    if (*next + count > kPoolEnd) return Status::FailedPrecondition("central's pool for province " + province + " is spent");
    DANCU_RETURN_IF_ERROR(store.PutMeta(PoolKey(province), storage::layout::EncodeU64(*next + count)));
    return Taken{static_cast<uint32_t>(*next), ""};
  }
  std::optional<Taken> taken;
  Status failed;
  DANCU_RETURN_IF_ERROR(store.ScanMeta("lease/held/" + province + "/", [&](std::string_view, std::string_view bytes) {
    auto lease = storage::Parsed<schema::Lease>::Parse(bytes, "lease");
    if (!lease.ok()) return true;
    const uint32_t first = lease->get().getFirst(), size = lease->get().getCount();
    auto used = ReadCounter(store, UsedKey(province, first), 0);
    if (!used.ok()) {
      failed = used.status();
      return false;
    }
    if (*used + count > size) return true;
    // Durable before the serials are used anywhere: a crash after this wastes them, never reuses.
    failed = store.PutMeta(UsedKey(province, first), storage::layout::EncodeU64(*used + count));
    if (failed.ok()) taken = Taken{static_cast<uint32_t>(first + *used), std::string(bytes)};
    return false;
  }));
  DANCU_RETURN_IF_ERROR(failed);
  if (!taken) {
    return Status::FailedPrecondition("no citizen-number serials left for province " + province +
                                      " on this node; the next sync with the parent asks for more");
  }
  return *taken;
}

}  // namespace

Result<std::string> ProvinceCodeOf(const Node& node) {
  const auto* province = storage::UnitRegistry::Get().ProvinceOf(node.config().unit, storage::Era::k2023);
  if (province == nullptr) {
    return Status::FailedPrecondition("unit " + node.config().unit + " lies in no pre-2025 province");
  }
  return "0" + std::string(province->code);
}

uint32_t LeaseBlockFor(schema::Role role) {
  switch (role) {
    case schema::Role::COMMUNE: return 200;
    case schema::Role::DISTRICT: return 2000;
    case schema::Role::PROVINCE: return 20000;
    case schema::Role::CENTRAL: return 0;
  }
  return 0;
}

Result<LeaseInfo> VerifyLease(const Node& node, std::string_view lease) {
  // Canonical bytes may still hold a field of the wrong kind (a Text without its NUL, a list
  // where a struct belongs): Cap'n Proto throws when it is read.
  try {
    return Verify(node, lease, 0);
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("lease: ") + e.getDescription().cStr());
  }
}

Status AcceptLease(Node& node, std::string_view lease) {
  auto info = VerifyLease(node, lease);
  if (!info.ok()) return info.status();
  if (info->lessee != node.config().node_id) return Status::Ok();
  return node.store().PutMeta(HeldKey(info->province, info->first), lease);
}

Result<std::string> GrantLease(Node& node, uint64_t lessee, const std::string& province, uint32_t count,
                               uint64_t now_ms) {
  if (count == 0) return Status::InvalidArgument("a lease of no serials");
  if (!storage::UnitRegistry::Get().IsCitizenProvinceCode(province)) {
    return Status::InvalidArgument(province + " is not a citizen-number province code");
  }
  auto key = node.signing_key();
  if (!key.ok()) return key.status();
  std::lock_guard<std::mutex> lock(g_cursor_mu);
  auto taken = Take(node, province, count);
  if (!taken.ok()) return taken.status();
  capnp::MallocMessageBuilder message;
  auto lease = message.initRoot<schema::Lease>();
  lease.setLessee(lessee);
  lease.setProvince(province);
  lease.setFirst(taken->first);
  lease.setCount(count);
  lease.setLessor(node.config().node_id);
  lease.setIssuedAt(now_ms);
  lease.setParent(capnp::Data::Reader(reinterpret_cast<const kj::byte*>(taken->from.data()), taken->from.size()));
  storage::Signature sig = (*key)->Sign(SignedBytes(lease.asReader()));
  lease.setSignature(capnp::Data::Reader(sig.data(), sig.size()));
  return storage::Canonicalize(lease.asReader());
}

Result<std::string> IssueCitizenNo(Node& node, schema::Sex sex, int birth_year) {
  if (sex != schema::Sex::MALE && sex != schema::Sex::FEMALE) {
    return Status::InvalidArgument("a citizen number needs the sex, male or female");
  }
  if (birth_year < 1900 || birth_year > 2399) return Status::InvalidArgument("a citizen number needs the birth year");
  auto province = ProvinceCodeOf(node);
  if (!province.ok()) return province.status();
  std::lock_guard<std::mutex> lock(g_cursor_mu);
  auto taken = Take(node, *province, 1);
  if (!taken.ok()) return taken.status();
  return storage::MakeCitizenNumber(*province, sex, birth_year, taken->first);
}

Result<std::vector<LeaseInfo>> HeldLeases(const Node& node) {
  std::vector<LeaseInfo> out;
  Status failed;
  DANCU_RETURN_IF_ERROR(node.store().ScanMeta("lease/held/", [&](std::string_view, std::string_view bytes) {
    auto info = VerifyLease(node, bytes);
    if (!info.ok()) {
      failed = info.status();
      return false;
    }
    auto used = ReadCounter(node.store(), UsedKey(info->province, info->first), 0);
    if (!used.ok()) {
      failed = used.status();
      return false;
    }
    info->used = static_cast<uint32_t>(*used);
    out.push_back(*info);
    return true;
  }));
  DANCU_RETURN_IF_ERROR(failed);
  return out;
}

Result<uint64_t> RemainingSerials(const Node& node, const std::string& province) {
  if (node.config().role == schema::Role::CENTRAL) {
    auto next = ReadCounter(node.store(), PoolKey(province), kPoolFirst);
    if (!next.ok()) return next.status();
    return kPoolEnd - *next;
  }
  auto held = HeldLeases(node);
  if (!held.ok()) return held.status();
  uint64_t remaining = 0;
  for (const auto& lease : *held) {
    if (lease.province == province) remaining += lease.count - lease.used;
  }
  return remaining;
}

}  // namespace dancu::node
