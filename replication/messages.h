// The frames of a link: one wire::Message each, in canonical bytes.
//
// The Encode functions build the canonical bytes of one message. DecodeMessage is the trust
// boundary for a received frame: a size cap, ReaderOptions limits, canonical form
// (storage::Parsed), and a message kind this version knows. ReadVersionVector checks what a
// version vector must be. Neither authenticates anything: the link's CurveZMQ does.
//
// Pure functions, thread-safe. Errors: Corruption naming what is wrong with the frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "replication/segment.h"
#include "replication/wire.capnp.h"
#include "storage/canonical.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::replication {

// The largest frame a link accepts: a segment at kMaxSegmentBytes that did not compress, its
// checkpoint and envelope.
inline constexpr size_t kMaxFrameBytes = kMaxSegmentBytes + (1u << 20);

struct HelloInfo {
  uint64_t node_id = 0;
  uint16_t role = 0;             // node/identity.capnp Role ordinal
  std::string unit;
  std::string certificate_chain;  // canonical CertificateChain bytes
};

std::string EncodeHello(const HelloInfo& hello);  // with this build's wire::PROTOCOL_VERSION
std::string EncodeVersionVector(const storage::VersionVector& versions);
std::string EncodeSegment(const SegmentData& segment);
std::string EncodeAck(uint64_t origin, uint64_t seq);
std::string EncodeCredit(uint32_t segments);
std::string EncodeReference(const std::vector<std::string>& chains, const std::vector<std::string>& revocations,
                            const std::vector<std::string>& agencies = {});
std::string EncodeAuditHeld(const storage::VersionVector& held);
std::string EncodeAudit(const std::vector<std::string>& batches);
// The answer to a leaseRequest: the leases granted (none when the parent has none to spare).
std::string EncodeLeaseAnswer(const std::vector<std::string>& leases);
std::string EncodeLeaseRequest(std::string_view province, uint32_t count);
std::string EncodeDone();
std::string EncodeYourLog(std::string_view checkpoint);
std::string EncodeHeartbeat();
std::string EncodeError(wire::ErrorCode code, std::string_view text);

using ParsedMessage = storage::Parsed<wire::Message>;

// Parses a received frame of at most `max_bytes`. See the file comment.
Result<ParsedMessage> DecodeMessage(std::string_view frame, size_t max_bytes = kMaxFrameBytes);

// The vector a VersionVector message states: origins strictly ascending, seqs at least 1.
Result<storage::VersionVector> ReadVersionVector(wire::VersionVector::Reader versions);

}  // namespace dancu::replication
