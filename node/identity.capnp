# Node identity: who a node is, and who vouches for it. Files small enough for a USB stick.
@0xa6effc065ed42913;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("dancu::schema");

enum Role {
  commune @0;
  district @1;
  province @2;
  central @3;
}

# What a node says of itself when it asks its parent for a certificate.
struct NodeDescription {
  nodeId @0 :UInt64;       # first 8 bytes of BLAKE2b-256(signingKey)
  role @1 :Role;
  unit @2 :Text;           # GSO code of the unit the node serves ("0" for central)
  signingKey @3 :Data;     # Ed25519 public key
  curveKey @4 :Data;       # CurveZMQ (Curve25519) public key
}

# A parent's statement that `subject` is its child, valid for a time.
struct Certificate {
  subject @0 :NodeDescription;
  issuerId @1 :UInt64;     # node id of the signer (equal to subject's for the self-signed root)
  validFrom @2 :UInt64;    # ms since the Unix epoch
  validUntil @3 :UInt64;
  signature @4 :Data;      # Ed25519 by the issuer over "dancu/cert/v1" || canonical(body)
}

# What the signature covers: the certificate without its signature.
struct CertificateBody {
  subject @0 :NodeDescription;
  issuerId @1 :UInt64;
  validFrom @2 :UInt64;
  validUntil @3 :UInt64;
}

# A node's certificate with those above it, the root (central, self-signed) first.
struct CertificateChain {
  certificates @0 :List(Certificate);
}

# Central's statement that a node's key is no longer trusted (a stolen laptop): changes it signed
# after seq `afterSeq` are refused everywhere, and its key no longer opens a link. Replicates as
# reference data, verified with the pinned root key.
struct Revocation {
  nodeId @0 :UInt64;
  afterSeq @1 :UInt64;
  issuedAt @2 :UInt64;     # ms since the Unix epoch
  signature @3 :Data;      # Ed25519 by the root over "dancu/revocation/v1" || nodeId || afterSeq || issuedAt
}

# A block of citizen-number serials leased down the tree, so that a commune can give a newborn a
# number while offline and no two nodes ever give the same one. Central leases from its offline
# pool of each province; every node may sub-lease part of its own block to a child.
struct Lease {
  lessee @0 :UInt64;
  province @1 :Text;       # the citizen-number province part, "002" (Hà Giang)
  first @2 :UInt32;        # serials first .. first + count - 1, under any century/sex and year
  count @3 :UInt32;
  lessor @4 :UInt64;
  issuedAt @5 :UInt64;     # ms since the Unix epoch
  parent @6 :Data;         # the lessor's own Lease, canonical; empty when central leases from its pool
  signature @7 :Data;      # Ed25519 by the lessor over "dancu/lease/v1" || canonical(this, no signature)
}
