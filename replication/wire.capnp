# The link protocol: what two nodes say to each other over a CurveZMQ link.
#
# Every frame on a link is the canonical bytes of one Message (replication/messages.h). Changes
# travel in segments: a run of one origin's log entries, length-prefixed and zstd-compressed
# together, with the origin's signed tree head (checkpoint) of the tree ending at the last entry
# and the run's inclusion multi-proof in that tree, so that the receiver verifies the whole run
# alone, with one signature (replication/segment.h, docs/log-format.md).
#
# Sizes: a segment costs its compressed payload plus about 200 bytes (this header, the Message
# envelope and the ~136-byte checkpoint) and its proof (at most two hashes per tree level, 32 bytes
# each), once per segment, not per change. A version vector entry is one Version struct: 16 bytes.
@0xdd644bdb57f5f5be;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("dancu::wire");

using Version = import "/storage/change.capnp".Version;

# The version of this schema and of the exchange built on it; a node refuses a peer whose
# version it does not speak (Error.code = unsupportedVersion, saying which versions and to upgrade
# the older node). 1: the first. 2: agency verification's audit (the auditHeld and audit messages)
# and Reference.agencies; a node of version 1 would refuse those as unknown in mid-session, so
# it is refused at its hello instead.
const protocolVersion :UInt32 = 2;

struct Message {
  union {
    hello @0 :Hello;
    versionVector @1 :VersionVector;
    segment @2 :Segment;
    ack @3 :Ack;
    credit @4 :Credit;
    heartbeat @5 :Void;        # the session's keepalive: ZMTP heartbeats keep a connection alive,
                               # but a ROUTER learns that a child is still there only from its messages
    error @6 :Error;
    reference @7 :Reference;
    done @8 :Void;             # the sender has sent, and had acknowledged, everything in scope
    leaseRequest @9 :LeaseRequest;
    yourLog @10 :Data;         # after the peer's hello, if the sender's vector holds any of the peer's
                               # own log: its checkpoint of that log at the seq it holds, so that a peer restored from an
                               # older copy sees its log was longer, or different, before it sends
                               # any of it (docs/log-format.md "Lost writes")
    auditHeld @11 :VersionVector;  # to a child: per answering node, the last audit batch the sender
                                   # holds (node/audit_log.h); also the answer to `audit`
    audit @12 :List(Data);     # to the parent: SignedAuditBatch each, the batches it lacks
  }
}

# A child running low on citizen-number serials asks its parent for a block (node/leases.h); the
# parent answers with a Reference holding the lease, if it can spare one.
struct LeaseRequest {
  province @0 :Text;           # "002"
  count @1 :UInt32;
}

# Reference data: the certificate chains of the origins whose segments follow (and of the sender),
# and every revocation the sender knows. The receiver verifies each against its pinned root.
struct Reference {
  chains @0 :List(Data);       # canonical CertificateChain each
  revocations @1 :List(Data);  # canonical Revocation each (node/identity.capnp)
  leases @2 :List(Data);       # canonical Lease each (node/identity.capnp), granted to the receiver
  answersLeaseRequest @3 :Bool;  # the answer to the receiver's leaseRequest (leases may be empty)
  agencies @4 :List(Data);     # canonical AgencyCredential each (node/agency.capnp), root-signed
}

# The first message each side sends on a new connection.
struct Hello {
  nodeId @0 :UInt64;
  role @1 :UInt16;             # the ordinal of node/identity.capnp's Role (commune 0 ... central 3)
  unit @2 :Text;               # GSO code of the unit the sender serves
  protocolVersion @3 :UInt32;
  certificateChain @4 :Data;   # canonical CertificateChain (node/identity.capnp), root first; its
                               # leaf must name nodeId, role, unit and the link's CurveZMQ key
}

# What the sender holds for the link's scope: per origin, the highest contiguous seq.
struct VersionVector {
  versions @0 :List(Version);  # ascending origin, one entry per origin, seq >= 1
}

# A run of one origin's log, entries firstSeq..lastSeq.
struct Segment {
  origin @0 :UInt64;
  firstSeq @1 :UInt64;
  lastSeq @2 :UInt64;
  entries @3 :Data;            # one zstd frame that states its content size; its content is, per
                               # entry in seq order, LEB128(length) || canonical LogEntry bytes
  checkpoint @4 :Data;         # canonical Checkpoint: the origin's signed head of its tree of lastSeq entries
  proof @5 :Data;              # the entries' inclusion multi-proof in that tree, 32 bytes a hash
}

# The receiver has durably applied every entry of `origin` up to `seq`.
struct Ack {
  origin @0 :UInt64;
  seq @1 :UInt64;
}

# The receiver accepts this many more segments on this connection.
struct Credit {
  segments @0 :UInt32;
}

struct Error {
  code @0 :ErrorCode;
  text @1 :Text;               # for the operator's log; never secret or biometric material
}

enum ErrorCode {
  malformed @0;                # a frame did not decode as a Message, or broke a rule of one
  unsupportedVersion @1;
  notAuthorized @2;            # the hello's chain does not verify or does not match the link key
  overCredit @3;               # a segment arrived without credit for it
  outOfOrder @4;               # a segment does not continue what the receiver holds
  internal @5;                 # the receiver failed (disk full, ...); try again later
  unknownPeer @6;              # a hello without a chain from a node the receiver does not know:
                               # say hello again, with the chain
}
