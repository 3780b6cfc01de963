// Leases: blocks of citizen-number serials, so that communes issue newborns' numbers offline.
//
// A citizen number is PPP G YY NNNNNN (storage/citizen_number.h). Central keeps, per province, an
// offline pool of serials (kPoolFirst..999,999) that the online national system does not use; it
// leases blocks of it to its children, each node may sub-lease part of its block to its own
// children, and a node issues numbers from the blocks leased to it. A serial leased to a node is
// used by that node only (for any century/sex digit and year), and every serial is consumed
// (durably) before the number or sub-lease that uses it leaves the node, so no two nodes, and no
// two newborns, ever get the same number — even across crashes.
//
// Leases travel as reference data with the sessions: a node whose remaining serials fall below
// a low mark asks its parent for a block on its next sync (replication/session.h), and the parent
// grants one if it can. Every lease carries its lessor's own lease, up to central's pool, and is
// verified against the directory's keys.
//
// Thread-safe (a process-wide mutex guards the read-modify-write of the cursors; one process owns
// a node's store). Errors: Corruption for a lease that does not verify; FailedPrecondition when no
// serial is left (`dancu lease list`); IOError from the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/node.h"

namespace dancu::node {

inline constexpr uint32_t kPoolFirst = 900000;  // central's offline pool: serials 900,000..999,999

// The citizen-number province part ("002") of the node's unit.
Result<std::string> ProvinceCodeOf(const Node& node);

struct LeaseInfo {
  uint64_t lessee = 0, lessor = 0;
  std::string province;
  uint32_t first = 0, count = 0, used = 0;
};

// Verifies a lease and its parents up to central's pool against the node's directory.
Result<LeaseInfo> VerifyLease(const Node& node, std::string_view lease);

// Keeps a verified lease addressed to this node; others are ignored. Idempotent.
Status AcceptLease(Node& node, std::string_view lease);

// Grants `lessee` a block of `count` serials of `province`: central from its pool, others from
// their own leases. The serials are consumed here before the lease is returned.
Result<std::string> GrantLease(Node& node, uint64_t lessee, const std::string& province, uint32_t count,
                               uint64_t now_ms);

// The next citizen number for a newborn of `sex` born in `birth_year`, from this node's leases.
Result<std::string> IssueCitizenNo(Node& node, schema::Sex sex, int birth_year);

// The leases held by this node, with how much of each is used.
Result<std::vector<LeaseInfo>> HeldLeases(const Node& node);
// Serials of `province` this node can still issue or sub-lease (central: its pool).
Result<uint64_t> RemainingSerials(const Node& node, const std::string& province);

// How many serials a node of `role` asks for at once, and below how many it asks.
uint32_t LeaseBlockFor(schema::Role role);
inline uint32_t LeaseLowMark(schema::Role role) { return LeaseBlockFor(role) / 5; }

}  // namespace dancu::node
