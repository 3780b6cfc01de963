#include "node/enrollment.h"

#include <capnp/schema.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "node/authority.h"
#include "node/biometric_crypto.h"
#include "node/certificates.h"
#include "node/files.h"
#include "node/photo.h"
#include "storage/canonical.h"

namespace dancu::node {

namespace {

using Attachments = std::vector<std::pair<std::string, std::string>>;
using Mutation = std::function<void(schema::Biometrics::Builder)>;

uint16_t BiometricsOrdinal() {
  static const uint16_t ordinal = capnp::Schema::from<schema::Resident>()
                                      .getFieldByName("biometrics")
                                      .getProto()
                                      .getOrdinal()
                                      .getExplicit();
  return ordinal;
}

std::string SealedKey(const storage::Hash256& hash) { return "bio/sealed/" + storage::ToHex(hash); }

kj::ArrayPtr<const kj::byte> HashBytes(const storage::Hash256& hash) {
  return kj::arrayPtr(hash.data(), hash.size());
}

// The record, once it is known to accept an enrollment on this node (see CheckEnrollable).
Result<storage::Parsed<schema::RecordState>> EnrollableRecord(const Node& node,
                                                              const std::string& record_id) {
  auto bytes = node.store().GetRecord(record_id);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return Status::NotFound("no record " + record_id);
  auto state = storage::Parsed<schema::RecordState>::Parse(**bytes, "record " + record_id);
  if (!state.ok()) return state.status();
  const schema::Resident::Reader resident = state->get().getResident();
  if (resident.getMergedInto().size() > 0) {
    return Status::FailedPrecondition("record " + record_id + " was merged into " +
                                      resident.getMergedInto().cStr() +
                                      "; enroll the surviving record");
  }
  if (resident.getStatus() != schema::LifeStatus::ALIVE) {
    return Status::FailedPrecondition("record " + record_id + " is not a living resident");
  }
  const NodeConfig& config = node.config();
  if (!Covers(config.role, config.unit, resident.getHomeUnit().cStr())) {
    return Status::FailedPrecondition("record " + record_id + " is homed in unit " +
                                      resident.getHomeUnit().cStr() +
                                      ", outside the part of the tree this node serves");
  }
  return state;
}

std::string ErrorsText(const storage::FieldErrors& errors) {
  std::string text;
  for (const storage::FieldError& e : errors) {
    text += (text.empty() ? "" : "; ") + (e.field.empty() ? e.reason : e.field + ": " + e.reason);
  }
  return text;
}

// Appends the change of `operation` that applies `mutate` to the record's biometrics summary,
// with `attachments`.
Result<uint64_t> AppendBiometrics(Node& node, const Enrollee& who, schema::Operation operation,
                                  const Mutation& mutate, Attachments attachments) {
  auto state = EnrollableRecord(node, who.record_id);
  if (!state.ok()) return state.status();
  storage::Draft draft;
  draft.record_id = who.record_id;
  draft.operation = operation;
  draft.officer = who.officer;
  draft.officer_role = who.role;
  draft.fields = {BiometricsOrdinal()};
  const schema::Resident::Reader resident = state->get().getResident();
  if (resident.hasBiometrics()) draft.Values().setBiometrics(resident.getBiometrics());
  mutate(draft.Values().getBiometrics());
  draft.attachments = std::move(attachments);
  std::vector<storage::Draft> drafts;
  drafts.push_back(std::move(draft));
  auto outcome = node.Append(drafts);
  if (!outcome.ok()) return outcome.status();
  if (!outcome->rejected.empty()) {
    return Status::InvalidArgument("the change was refused: " +
                                   ErrorsText(outcome->rejected.front().errors));
  }
  return outcome->accepted.front().seq;
}

// The sealed copy of `plain`, its hash, and the attachment that stores it.
struct Sealed {
  storage::Hash256 hash{};
  std::pair<std::string, std::string> attachment;
};

Sealed Seal(const BiometricKeys& keys, const std::string& record_id, BiometricPart part,
            std::string_view plain) {
  std::string sealed = SealForCentral(keys.central_key, record_id, part, plain);
  const storage::Hash256 hash = SealedHash(sealed);
  return {hash, {SealedKey(hash), std::move(sealed)}};
}

// Appends `finger` as captured, with `status` (enrolled or under review): its sealed blob and
// `attachments` go with the change.
Result<uint64_t> AppendCaptured(Node& node, const Enrollee& who, BiometricPart finger,
                                schema::FingerStatus status, Sealed sealed,
                                Attachments attachments) {
  attachments.push_back(std::move(sealed.attachment));
  return AppendBiometrics(
      node, who, schema::Operation::ENROLL_FINGER,
      [&](schema::Biometrics::Builder biometrics) {
        schema::Finger::Builder entry = InitFingerEntry(biometrics, finger);
        entry.setStatus(status);
        entry.setSealedHash(HashBytes(sealed.hash));
      },
      std::move(attachments));
}

// Keeps the node's finger index, if built, as the at-rest template of `owner` now is.
void IndexHeldTemplate(Node& node, const TemplateOwner& owner, std::string_view template_bytes) {
  if (FingerIndex* index = node.loaded_finger_index()) index->Hold(owner, template_bytes);
}

}  // namespace

Result<BiometricKeys> LoadBiometricKeys(const Node& node, uint64_t now_ms) {
  auto data_key = node.data_key();
  if (!data_key.ok()) return data_key.status();
  const Status no_chain = Status::FailedPrecondition(
      "no certificate chain is installed (dancu cert install): biometric data is sealed to "
      "central's key, which the chain's root certificate carries");
  if (!node.config().root_key) return no_chain;
  auto chain = ReadWholeFile(Node::ChainPath(node.data_dir()));
  if (!chain.ok()) return no_chain;
  auto verified = VerifyChain(*chain, node.config().root_key, now_ms);
  if (!verified.ok()) return verified.status().WithContext("the installed certificate chain");
  // VerifyChain has checked the chain's form and that each curve key is 32 bytes.
  auto parsed = storage::Parsed<schema::CertificateChain>::Parse(*chain, "certificate chain");
  if (!parsed.ok()) return parsed.status();
  const capnp::Data::Reader curve = parsed->get().getCertificates()[0].getSubject().getCurveKey();
  BiometricKeys keys;
  keys.data_key = *data_key;
  std::copy(curve.begin(), curve.end(), keys.central_key.begin());
  return keys;
}

Status CheckEnrollable(const Node& node, const std::string& record_id) {
  return EnrollableRecord(node, record_id).status();
}

Result<uint64_t> StoreFinger(Node& node, const BiometricKeys& keys, const Enrollee& who,
                             BiometricPart finger, std::string_view template_bytes) {
  auto seq = AppendCaptured(node, who, finger, schema::FingerStatus::ENROLLED,
                            Seal(keys, who.record_id, finger, template_bytes),
                            {{AtRestKey(who.record_id, finger),
                              EncryptAtRest(*keys.data_key, who.record_id, finger, template_bytes)}});
  if (seq.ok()) IndexHeldTemplate(node, {who.record_id, finger}, template_bytes);
  return seq;
}

Result<DuplicateCase> OpenDuplicateCase(Node& node, const BiometricKeys& keys, const Enrollee& who,
                                        BiometricPart finger, std::string_view template_bytes,
                                        const TemplateOwner& match) {
  Sealed sealed = Seal(keys, who.record_id, finger, template_bytes);
  DuplicateCase opened;
  opened.key = "case/duplicate/" + who.record_id + "/" + PartName(finger);
  const nlohmann::json summary = {
      {"kind", "duplicate fingerprint"},
      {"record_id", who.record_id},
      {"finger", PartName(finger)},
      {"matches", {{"record_id", match.record_id}, {"finger", PartName(match.finger)}}},
      {"officer", who.officer},
      {"sealed_hash", storage::ToHex(sealed.hash)}};
  auto seq =
      AppendCaptured(node, who, finger, schema::FingerStatus::UNDER_REVIEW, std::move(sealed),
                     {{AtRestKey(who.record_id, finger), ""}, {opened.key, summary.dump()}});
  if (!seq.ok()) return seq.status();
  IndexHeldTemplate(node, {who.record_id, finger}, "");
  opened.seq = *seq;
  return opened;
}

Result<uint64_t> RecordFingerException(Node& node, const Enrollee& who, BiometricPart finger,
                                       schema::FingerStatus exception) {
  if (exception != schema::FingerStatus::MISSING && exception != schema::FingerStatus::UNREADABLE) {
    return Status::InvalidArgument("a finger exception is missing or unreadable");
  }
  auto seq = AppendBiometrics(node, who, schema::Operation::FINGER_EXCEPTION,
                              [&](schema::Biometrics::Builder biometrics) {
                                InitFingerEntry(biometrics, finger).setStatus(exception);
                              },
                              {{AtRestKey(who.record_id, finger), ""}});
  if (seq.ok()) IndexHeldTemplate(node, {who.record_id, finger}, "");
  return seq;
}

Result<uint64_t> StorePhoto(Node& node, const BiometricKeys& keys, const Enrollee& who,
                            std::string_view photo) {
  auto info = ValidatePhoto(photo);
  if (!info.ok()) return info.status();
  constexpr BiometricPart kPart = BiometricPart::kPhoto;
  Sealed sealed = Seal(keys, who.record_id, kPart, photo);
  Attachments attachments = {
      {AtRestKey(who.record_id, kPart), EncryptAtRest(*keys.data_key, who.record_id, kPart, photo)},
      std::move(sealed.attachment)};
  return AppendBiometrics(
      node, who, schema::Operation::ENROLL_PHOTO,
      [&](schema::Biometrics::Builder biometrics) {
        schema::Photo::Builder entry = biometrics.initPhoto();
        entry.setSealedHash(HashBytes(sealed.hash));
        entry.setFormat(info->format);
        entry.setWidth(static_cast<uint16_t>(info->width));
        entry.setHeight(static_cast<uint16_t>(info->height));
      },
      std::move(attachments));
}

}  // namespace dancu::node
