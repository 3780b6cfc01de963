#include "replication/segment_ingest.h"

#include <kj/exception.h>

#include "replication/segment.h"
#include "storage/crypto.h"

namespace dancu::replication {

namespace {

uint64_t Held(storage::Store& store, uint64_t origin) {
  const storage::VersionVector held = store.version_vector();
  auto it = held.find(origin);
  return it == held.end() ? 0 : it->second;
}
}  // namespace

Result<SegmentOutcome> IngestSegment(SessionHost& host, wire::Segment::Reader segment, const PeerIdentity& sender,
                                     const std::string& source) {
  storage::IncomingRun run;
  run.source = source;
  run.from_ancestor = host.IsAncestor(sender);
  Result<DecodedSegment> decoded = Status::Corruption("segment: unreadable");
  try {
    run.origin = segment.getOrigin();
    run.first_seq = segment.getFirstSeq();
    decoded = DecodeSegment(segment);
    if (!decoded.ok()) {
      auto checkpoint = segment.getCheckpoint();
      run.checkpoint.assign(reinterpret_cast<const char*>(checkpoint.begin()), checkpoint.size());
    }
  } catch (const kj::Exception& e) {
    decoded = Status::Corruption(std::string("segment: ") + e.getDescription().cStr());
  }
  if (!decoded.ok()) {
    DANCU_RETURN_IF_ERROR(host.store().Quarantine(run, decoded.status().message()));
    host.Log("refused a segment of origin " + storage::IdHex(run.origin) + ": " + decoded.status().ToString());
    SegmentOutcome outcome;
    outcome.verdict = storage::IngestOutcome::Verdict::kRefused;
    outcome.reason = decoded.status().message();
    outcome.held = Held(host.store(), run.origin);
    return outcome;
  }
  run.checkpoint = std::move(decoded->checkpoint_bytes);
  run.proof = std::move(decoded->proof);
  run.entries.reserve(decoded->entries.size());
  for (auto& entry : decoded->entries) run.entries.push_back(std::move(entry.bytes));
  auto outcome = host.store().Ingest(run, host.Trust());
  if (!outcome.ok()) return outcome.status();
  if (outcome->verdict == storage::IngestOutcome::Verdict::kRefused) {
    host.Log("refused a segment of origin " + storage::IdHex(run.origin) + " (quarantined): " + outcome->reason);
  }
  return outcome;
}

}  // namespace dancu::replication
