// The one path by which a received segment enters a node, over a link (replication/session.h) or
// from a bundle (replication/bundle.h): decode it (DecodeSegment: caps, canonical bytes, entries
// naming the segment's origin and seqs), keep an undecodable one in the quarantine, and otherwise
// hand it to storage::Store::Ingest with the host's trust (inclusion proof, checkpoint signature,
// certificate and revocation, authority, causal readiness, conflicts).
//
// Thread-safety as the host's store; one call per segment. Errors: only failures of the local
// store (IOError, Corruption of what it holds); a bad segment is an outcome, not an error.
#pragma once

#include <string>

#include "replication/session.h"
#include "replication/wire.capnp.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::replication {

// What became of a segment. `verdict` is the store's (kRefused also for a segment that does not
// decode, with the decoder's reason); kNotReady and kGap mean it waits for changes not held yet.
using SegmentOutcome = storage::IngestOutcome;

// Decodes, verifies and applies `segment`, sent by `sender`, as described above; `source` names
// where it came from in the quarantine ("peer ...", "bundle ..."). Refusals are also written to
// the host's log.
Result<SegmentOutcome> IngestSegment(SessionHost& host, wire::Segment::Reader segment, const PeerIdentity& sender,
                                     const std::string& source);

// Whether the outcome means the segment may apply later (a dependency or earlier entries missing).
inline bool Waits(const SegmentOutcome& outcome) {
  return outcome.verdict == storage::IngestOutcome::Verdict::kNotReady ||
         outcome.verdict == storage::IngestOutcome::Verdict::kGap;
}

}  // namespace dancu::replication
