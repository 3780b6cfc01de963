# Agencies that verify citizens against the registry (docs/agency-verification.md): their signed
# credentials, the signed answers nodes give them, and the signed, hash-chained audit of every
# transaction. Every struct is stored, hashed and signed in canonical form.
@0xe50527d6b457548c;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("dancu::schema");

# What an agency may ask about a citizen.
enum Claim {
  fullName @0;
  birthDate @1;
  sex @2;
  alive @3;
}

# An agency's policy, as central registered it. Revocation is a later policy of the same agency
# with `revoked` set: it wins over every policy of that agency, whenever it arrives.
struct AgencyPolicy {
  agencyId @0 :UInt64;           # first 8 bytes (big-endian) of BLAKE2b-256 of `key`
  name @1 :Text;
  key @2 :Data;                  # the agency's Ed25519 public key (32 bytes): it signs its requests
  procedures @3 :List(Text);     # the procedure codes it may verify for
  claims @4 :List(Claim);        # what it may ask about
  perFieldResults @5 :Bool;      # whether answers say which claim failed
  ratePerSecond @6 :UInt32;      # requests per second at one node (a burst of as many)
  perCitizenPerHour @7 :UInt32;  # requests about one citizen per hour at one node
  validFrom @8 :UInt64;          # ms since the Unix epoch
  validUntil @9 :UInt64;
  tokenSalt @10 :Data;           # 32 random bytes: keys the agency's citizen tokens
  issuedAt @11 :UInt64;
  revoked @12 :Bool;
}

# The policy's canonical bytes and central's root signature over "dancu/agency/v1" || policy.
struct AgencyCredential {
  policy @0 :Data;
  signature @1 :Data;
}

enum Decision {
  no @0;
  yes @1;
}

struct FieldResult {
  claim @0 :Claim;
  match @1 :Bool;
}

# A node's answer to one verification request.
struct IdaAnswer {
  node @0 :UInt64;               # the answering node
  agencyId @1 :UInt64;
  transactionId @2 :Text;
  requestHash @3 :Data;          # BLAKE2b-256 of the signed request bytes
  decision @4 :Decision;
  fields @5 :List(FieldResult);  # one per claim asked, only when the policy allows per-field results
  token @6 :Data;                # the agency's token for the citizen number (32 bytes)
  answeredAt @7 :UInt64;         # ms since the Unix epoch
  dataAsOf @8 :UInt64;           # the node's last completed sync with its parent (central: answeredAt)
  chainHash @9 :Data;            # BLAKE2b-256 of the node's certificate chain
}

# The answer's canonical bytes and the node's signature over "dancu/ida-answer/v1" || answer.
struct SignedAnswer {
  answer @0 :Data;
  signature @1 :Data;
}

enum AuditOutcome {
  no @0;
  yes @1;
  rateLimited @2;     # the agency's or the citizen's rate was exceeded
  replayed @3;        # a transaction id already used
  stale @4;           # a request time outside the window
  forbidden @5;       # a procedure or claim the policy does not allow; revoked or expired credential
}

struct AuditEntry {
  agencyId @0 :UInt64;
  transactionId @1 :Text;
  procedure @2 :Text;
  operator @3 :Text;
  token @4 :Data;                # empty when the request named no valid citizen number
  outcome @5 :AuditOutcome;
  requestHash @6 :Data;
  at @7 :UInt64;                 # ms since the Unix epoch
  consentMode @8 :Text;
  consentHash @9 :Data;
}

# One group commit of an answering node's audit: batches of one origin are numbered 1, 2, 3 ...
# and each names the BLAKE2b-256 of the previous batch's bytes (32 zero bytes for the first).
struct AuditBatch {
  origin @0 :UInt64;
  seq @1 :UInt64;
  prevHash @2 :Data;
  entries @3 :List(AuditEntry);
}

# The batch's canonical bytes and its origin's signature over "dancu/audit/v1" || batch.
struct SignedAuditBatch {
  batch @0 :Data;
  signature @1 :Data;
}
