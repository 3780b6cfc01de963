# What ingest keeps beside the logs: refused runs (the quarantine) and concurrent edits (conflicts).
# Node-local records for operators: neither is replicated nor part of the state digest.
@0xc5d7a8e1f4b3a291;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("dancu::schema");

using import "change.capnp".Version;

# A run of an origin's log that failed verification, kept whole for audit.
struct QuarantinedRun {
  origin @0 :UInt64;
  firstSeq @1 :UInt64;
  lastSeq @2 :UInt64;
  reason @3 :Text;
  source @4 :Text;             # the peer or bundle it came from
  receivedAt @5 :UInt64;       # ms since the Unix epoch
  entries @6 :List(Data);      # as received
  checkpoint @7 :Data;
  proof @8 :Data;              # the run's inclusion proof, as received
}

enum ConflictKind {
  concurrentEdit @0;           # two changes set one field, neither having seen the other
  duplicateCitizenNo @1;       # two records claim one citizen number
  cardDiffers @2;              # a chip card read differed from the record (a cardReview change)
  duplicatePerson @3;          # two records likely of one person (storage/person_match.h)
}

struct Conflict {
  id @0 :Text;                 # the same on every node that sees the pair (conflict_log.h)
  recordId @1 :Text;
  kind @2 :ConflictKind;
  field @3 :UInt16;            # concurrentEdit: the Resident ordinal
  kept @4 :Version;            # the change whose value the fold keeps (cardDiffers: the opening one)
  other @5 :Version;           # the change whose value lost (still in the log)
  otherRecordId @6 :Text;      # duplicateCitizenNo, duplicatePerson: the other record
  review @7 :Bool;             # an operator must decide (identity, death, household, residence)
  detectedAt @8 :UInt64;       # ms since the Unix epoch, on this node
  resolvedBy @9 :Version;      # the change that saw both and settled it; origin 0 while open
}
