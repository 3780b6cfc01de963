#include "node/finger_index.h"

#include <sodium.h>

#include <vector>

#include "devices/fprint_minutiae.h"

namespace dancu::node {

namespace {
Status FromIdentify(const identify::Error& error) { return Status::InvalidArgument(error.message); }

bool Searchable(const std::optional<identify::Template>& minutiae) {
  return minutiae && minutiae->MinutiaCount() >= identify::IdentifierOptions{}.min_minutiae;
}

identify::FingerPosition PositionOf(BiometricPart finger) {
  return static_cast<identify::FingerPosition>(static_cast<uint8_t>(finger) + 1);  // ISO order
}

}  // namespace

std::optional<identify::Template> MinutiaeOf(std::string_view fprint_template) {
  devices::Template copy(fprint_template.begin(), fprint_template.end());
  auto minutiae = devices::MinutiaeFromPrint(copy);
  sodium_memzero(copy.data(), copy.size());
  if (!minutiae.ok()) return std::nullopt;
  return std::move(minutiae).value();
}

Result<std::unique_ptr<FingerIndex>> FingerIndex::Load(const storage::Store& store, const DataKey& key) {
  auto gallery = LoadGallery(store, key, std::nullopt);
  if (!gallery.ok()) return gallery.status();
  auto index = std::make_unique<FingerIndex>();
  std::vector<identify::Enrollment> enrollments;
  for (size_t i = 0; i < gallery->size(); ++i) {
    auto minutiae = MinutiaeOf(gallery->template_at(i).bytes());
    if (!Searchable(minutiae)) {
      ++index->unindexed_;
      continue;
    }
    const TemplateOwner& owner = gallery->owner(i);
    enrollments.push_back({owner.record_id, PositionOf(owner.finger), std::move(*minutiae)});
  }
  auto built = index->identifier_.Build(std::move(enrollments));
  if (!built.ok()) return FromIdentify(built.error());
  return index;
}

Result<std::optional<TemplateOwner>> FingerIndex::FindMatch(const identify::Template& probe,
                                                            const TemplateOwner& enrolling) const {
  const identify::ProbeFinger finger{identify::FingerPosition::kUnknown, probe};
  auto found = identifier_.Identify(std::span(&finger, 1));
  if (!found.ok()) return FromIdentify(found.error());
  for (const identify::Candidate& c : found.value().candidates) {
    if (c.score < found.value().threshold) break;
    if (c.finger_positions.front() == identify::FingerPosition::kUnknown) continue;
    const auto part = static_cast<BiometricPart>(static_cast<uint8_t>(c.finger_positions.front()) - 1);
    if (c.record_id == enrolling.record_id && part == enrolling.finger) continue;
    return std::optional<TemplateOwner>(TemplateOwner{c.record_id, part});
  }
  return std::optional<TemplateOwner>();
}

void FingerIndex::Hold(const TemplateOwner& owner, std::string_view fprint_template) {
  identifier_.Remove(owner.record_id, PositionOf(owner.finger));
  if (fprint_template.empty()) return;
  auto minutiae = MinutiaeOf(fprint_template);
  if (!Searchable(minutiae) || !identifier_.Insert(owner.record_id, PositionOf(owner.finger), std::move(*minutiae)).ok()) {
    ++unindexed_;
  }
}

}  // namespace dancu::node
