#include "node/biometric_gallery.h"

#include <functional>

namespace dancu::node {

namespace {

constexpr std::string_view kAtRestPrefix = "bio/rest/";

// Visits the finger templates held at rest under `prefix` (a prefix of AtRestKey), decrypted,
// adding to `gallery` those that `keep` accepts.
Status Collect(const storage::Store& store, const DataKey& key, const std::string& prefix,
               const std::function<bool(const TemplateOwner&)>& keep, Gallery* gallery) {
  Status failure;
  Status scanned = store.ScanBlobs(prefix, [&](std::string_view blob_key, std::string_view blob) {
    const std::string_view rest = blob_key.substr(kAtRestPrefix.size());
    const size_t slash = rest.rfind('/');
    if (slash == std::string_view::npos || blob.empty()) return true;
    const std::optional<BiometricPart> finger = ParseFinger(rest.substr(slash + 1));
    if (!finger) return true;  // the photo
    TemplateOwner owner{std::string(rest.substr(0, slash)), *finger};
    if (!keep(owner)) return true;
    Result<BiometricData> plain = DecryptAtRest(key, owner.record_id, owner.finger, blob);
    if (!plain.ok()) {
      failure = plain.status();
      return false;
    }
    gallery->Add(std::move(owner), std::move(plain.value()));
    return true;
  });
  DANCU_RETURN_IF_ERROR(scanned);
  return failure;
}

}  // namespace

void Gallery::Add(TemplateOwner owner, BiometricData template_bytes) {
  owners_.push_back(std::move(owner));
  templates_.push_back(std::move(template_bytes));
}

std::string AtRestKey(std::string_view record_id, BiometricPart part) {
  return std::string(kAtRestPrefix) + std::string(record_id) + "/" + PartName(part);
}

Result<Gallery> LoadGallery(const storage::Store& store, const DataKey& key,
                            const std::optional<TemplateOwner>& except) {
  Gallery gallery;
  DANCU_RETURN_IF_ERROR(Collect(
      store, key, std::string(kAtRestPrefix),
      [&](const TemplateOwner& owner) {
        return !except || owner.record_id != except->record_id || owner.finger != except->finger;
      },
      &gallery));
  return gallery;
}

Result<Gallery> LoadResidentTemplates(const storage::Store& store, const DataKey& key,
                                      const std::string& record_id,
                                      std::optional<BiometricPart> finger) {
  Gallery gallery;
  DANCU_RETURN_IF_ERROR(Collect(
      store, key, std::string(kAtRestPrefix) + record_id + "/",
      [&](const TemplateOwner& owner) { return !finger || owner.finger == *finger; }, &gallery));
  return gallery;
}

}  // namespace dancu::node
