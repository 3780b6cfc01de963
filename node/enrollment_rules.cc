#include "node/enrollment_rules.h"

#include <capnp/schema.h>

#include <string>

#include "node/biometric_parts.h"
#include "node/photo.h"
#include "storage/canonical.h"
#include "storage/validation.h"

namespace dancu::node {

namespace {

constexpr size_t kHashBytes = 32;

std::string FieldPath(BiometricPart part) { return "biometrics." + PartJsonKey(part); }

template <typename Enum>
bool Known(Enum value) {
  return static_cast<unsigned>(value) < capnp::Schema::from<Enum>().getEnumerants().size();
}

void CheckSummary(schema::Biometrics::Reader biometrics, storage::FieldErrors* errors) {
  for (unsigned i = 0; i < kFingerCount; ++i) {
    const schema::Finger::Reader finger = FingerEntry(biometrics, FingerAt(i));
    const std::string path = FieldPath(FingerAt(i));
    if (!Known(finger.getStatus())) {
      errors->push_back({path + ".status", "is not a finger status this node knows"});
      continue;
    }
    const bool has_template = finger.getStatus() == schema::FingerStatus::ENROLLED ||
                              finger.getStatus() == schema::FingerStatus::UNDER_REVIEW;
    const size_t hash_size = finger.getSealedHash().size();
    if (has_template && hash_size != kHashBytes) {
      errors->push_back({path + ".sealed_hash", "must be a 32-byte hash for a captured finger"});
    } else if (!has_template && hash_size != 0) {
      errors->push_back({path + ".sealed_hash", "must be absent when no template is held"});
    }
  }
  if (!biometrics.hasPhoto()) return;
  const schema::Photo::Reader photo = biometrics.getPhoto();
  const std::string path = FieldPath(BiometricPart::kPhoto);
  if (photo.getSealedHash().size() != kHashBytes) {
    errors->push_back({path + ".sealed_hash", "must be a 32-byte hash"});
  }
  if (!Known(photo.getFormat()) || photo.getFormat() == schema::PhotoFormat::UNKNOWN) {
    errors->push_back({path + ".format", "must be jpeg or png"});
  }
  for (auto [key, side] : {std::pair{".width", photo.getWidth()}, {".height", photo.getHeight()}}) {
    if (side < kMinPhotoSide || side > kMaxPhotoSide) {
      errors->push_back({path + key, "must be " + std::to_string(kMinPhotoSide) + " to " +
                                         std::to_string(kMaxPhotoSide) + " pixels"});
    }
  }
}

void CheckApplication(schema::Resident::Reader r, storage::FieldErrors* errors) {
  for (const std::string& gap : storage::CompletenessGaps(r)) {
    errors->push_back({"card.status", "a CCCD application needs a clean record: " + gap});
  }
  if (r.getStatus() != schema::LifeStatus::ALIVE) {
    errors->push_back({"status", "a CCCD application needs a living resident"});
  }
  const schema::Biometrics::Reader biometrics = r.getBiometrics();
  if (!biometrics.hasPhoto()) {
    errors->push_back({FieldPath(BiometricPart::kPhoto),
                       "is missing: a CCCD application needs the resident's photo"});
  }
  for (BiometricPart index : {BiometricPart::kRightIndex, BiometricPart::kLeftIndex}) {
    const schema::FingerStatus status = FingerEntry(biometrics, index).getStatus();
    if (storage::FingerSettled(status)) continue;
    if (status == schema::FingerStatus::UNDER_REVIEW) {
      errors->push_back({FieldPath(index),
                         "is under review in a duplicate case: a CCCD application needs it "
                         "enrolled, or recorded as missing or unreadable"});
    } else {
      errors->push_back({FieldPath(index),
                         "is not enrolled: a CCCD application needs both index fingers, each "
                         "enrolled or recorded as missing or unreadable"});
    }
  }
}

}  // namespace

storage::RecordCheck EnrollmentRules() {
  return [](const schema::Resident::Reader* before, schema::Resident::Reader after) {
    storage::FieldErrors errors;
    const bool summary_changed = before == nullptr
                                     ? after.hasBiometrics()
                                     : storage::Canonicalize(before->getBiometrics()) !=
                                           storage::Canonicalize(after.getBiometrics());
    if (summary_changed) CheckSummary(after.getBiometrics(), &errors);
    const bool applies = before != nullptr &&
                         before->getCard().getStatus() != schema::CardStatus::APPLIED &&
                         after.getCard().getStatus() == schema::CardStatus::APPLIED;
    if (applies) CheckApplication(after, &errors);
    return errors;
  };
}

}  // namespace dancu::node
