# The change log: immutable changes, leaves of one Merkle tree per origin, signed per checkpoint.
# Every struct here is stored and hashed in canonical form (capnp::canonicalize).
@0xdfcf73a5e24872f0;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("dancu::schema");

using import "resident.capnp".Resident;

# One change of one origin: (origin, seq) names it everywhere.
struct Version {
  origin @0 :UInt64;
  seq @1 :UInt64;
}

enum Operation {
  create @0;
  update @1;          # correct or complete fields
  recordDeath @2;
  move @3;            # residence and home unit change
  household @4;       # household membership
  cardStatus @5;      # CCCD application and card
  mergeDuplicate @6;  # tombstone pointing at the surviving record
  enrollFinger @7;    # a finger's template, or a duplicate case when it matched another resident
  fingerException @8; # a finger recorded as missing or unreadable
  enrollPhoto @9;     # the resident's photo
  cardReview @10;     # a chip card read differs from the record: a case opened, or closed
  markDistinct @11;   # an operator's decision: a likely duplicate is another person (distinctFrom)
}

# The role of the officer who made a change, on the node that made it (storage/officer_role.h).
enum OfficerRole {
  unspecified @0;     # entries written before roles: they decide nothing
  clerk @1;           # registers, corrects, enrolls (communes and hubs)
  chief @2;           # a commune's head: a clerk who also manages the node's officers
  operator @3;        # a hub's or central's: also decides the review queue and merges duplicates
}

struct Change {
  origin @0 :UInt64;          # node id of the author
  seq @1 :UInt64;             # 1, 2, 3 ... per origin, no gaps
  hlc @2 :UInt64;             # hybrid logical clock: 48 bits of ms since epoch, 16 bits counter
  officer @3 :Text;           # the officer who made the change
  recordId @4 :Text;
  operation @5 :Operation;
  fields @6 :List(UInt16);    # ordinals of the Resident fields this change sets, ascending
  values @7 :Resident;        # the values of those fields; other fields are ignored
  basedOn @8 :List(Version);  # causal context: the record's versions the author had seen
  officerRole @9 :OfficerRole;  # the officer's role, signed with the change (absent before roles)
}

# Leaf `seq - 1` of its origin's Merkle tree (storage/merkle.h, docs/log-format.md).
struct LogEntry {
  change @0 :Change;
}

# A signed tree head: the origin's signature over the root of its tree of the first `seq` entries.
# It covers every entry up to and including `seq`, each provable with an inclusion proof.
struct Checkpoint {
  origin @0 :UInt64;
  seq @1 :UInt64;             # the tree's size
  root @2 :Data;              # the tree's root hash (RFC 9162 MTH with BLAKE2b-256)
  signature @3 :Data;         # Ed25519 over "dancu/tree-head/v2" || origin || seq || root
}

# Who last wrote a field, so that any order of the same changes folds to the same record.
# A death recorded (or corrected) by the recordDeath operation is sticky: it outranks any plain
# update of the same field, whatever its clock, so an older "alive" never overrides a death.
struct FieldStamp {
  field @0 :UInt16;
  hlc @1 :UInt64;
  origin @2 :UInt64;
  seq @3 :UInt64;
  sticky @4 :Bool;
}

# One value the record's home unit has had, and the change that set it. Authority over a change is
# judged against the home its author saw: the latest of these within the change's causal context.
struct HomeStamp {
  unit @0 :Text;
  hlc @1 :UInt64;
  origin @2 :UInt64;
  seq @3 :UInt64;
}

# A materialized record: the fold of its changes.
struct RecordState {
  resident @0 :Resident;
  stamps @1 :List(FieldStamp);   # one per field ever set, ascending by field
  versions @2 :List(Version);    # highest seq per origin that touched the record, ascending origin
  homes @3 :List(HomeStamp);     # every home unit set, ascending (hlc, origin, seq)
  created @4 :Bool;              # the record's creation is folded in (else a fragment: record_fold.h)
}
