// Enrollment writes: a finger's template, a duplicate case, a finger exception, a photo.
//
// Each is one change that sets the record's biometrics summary (storage/resident.capnp) with its
// own operation — enrollFinger, fingerException, enrollPhoto — appended through Node::Append
// together with its blobs, as Draft attachments: the change and its blobs are durable together
// or not at all. The blobs:
//   bio/rest/<record id>/<part>       the template or photo encrypted at rest under the node's data
//                                     key (node/biometric_crypto.h); empty when none is held
//   bio/sealed/<sealed hash, hex>     the same sealed to central's key, named by its content hash
//                                     as the summary names it: immutable, so replicas and hubs can
//                                     keep every version whatever order they arrive in
//   case/duplicate/<record id>/<finger>   a duplicate case: which resident and finger the new
//                                     print matched, and who enrolled it (JSON, nothing biometric)
//
// Ownership: the functions borrow the Node; BiometricKeys borrows the Node's data key and must not
// outlive it. Thread-safety: as Node::Append. Errors: Status; nothing is written on any error. A
// change the node refuses (authority, node/enrollment_rules.h) is InvalidArgument listing its
// field errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "node/biometric_gallery.h"
#include "node/biometric_parts.h"
#include "node/node.h"

namespace dancu::node {

struct BiometricKeys {
  const DataKey* data_key = nullptr;  // the node's
  storage::PublicKey central_key{};   // central's Curve25519 key: the root certificate's curve key
};

// The node's data key and central's key from the installed certificate chain, verified at
// `now_ms` against the pinned root. FailedPrecondition without the node's keys or without an
// installed chain (`dancu cert install`); Corruption if the chain does not verify.
Result<BiometricKeys> LoadBiometricKeys(const Node& node, uint64_t now_ms);

// Who is enrolled, by whom.
struct Enrollee {
  std::string record_id;
  std::string officer;
  schema::OfficerRole role = schema::OfficerRole::CLERK;  // the officer's, signed with the change
};

// Whether `record_id` may be enrolled on this node: NotFound if there is no such record;
// FailedPrecondition if it was merged into another, is not a living resident, or is homed
// outside this node's part of the tree.
Status CheckEnrollable(const Node& node, const std::string& record_id);

// Enrolls `finger` with `template_bytes` (a serialized fingerprint template). Returns the seq of
// the change.
Result<uint64_t> StoreFinger(Node& node, const BiometricKeys& keys, const Enrollee& who,
                             BiometricPart finger, std::string_view template_bytes);

struct DuplicateCase {
  std::string key;  // of the case blob
  uint64_t seq = 0;
};

// Records that `finger`'s new print matched `match`, another resident's: the finger is put under
// review, the print is kept sealed for central's review only (not at rest, so it joins no
// gallery), and the case blob is written.
Result<DuplicateCase> OpenDuplicateCase(Node& node, const BiometricKeys& keys, const Enrollee& who,
                                        BiometricPart finger, std::string_view template_bytes,
                                        const TemplateOwner& match);

// Records `finger` as MISSING or UNREADABLE (any other status is InvalidArgument), dropping a
// template held for it. Needs no certificate chain: there is nothing to seal.
Result<uint64_t> RecordFingerException(Node& node, const Enrollee& who, BiometricPart finger,
                                       schema::FingerStatus exception);

// Validates `photo` (node/photo.h) and enrolls it.
Result<uint64_t> StorePhoto(Node& node, const BiometricKeys& keys, const Enrollee& who,
                            std::string_view photo);

}  // namespace dancu::node
