#include "node/finger_capture.h"

#include <sodium.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace dancu::node {

namespace {

using devices::ScanEvent;

Status FromDevice(const devices::Error& error) {
  switch (error.code()) {
    case devices::ErrorCode::kDeviceNotFound:
      return Status::NotFound(error.message());
    case devices::ErrorCode::kInvalidTemplate:
      return Status::Corruption(error.message());
    default:
      return Status::IOError(error.message());
  }
}

void Emit(const Capture& capture, const CaptureEvent& event) {
  if (capture.on_event) capture.on_event(event);
}

// Templates handed to the reader, wiped once done with.
struct TemplateList {
  std::vector<devices::Template> items;
  TemplateList() = default;
  TemplateList(const TemplateList&) = delete;
  TemplateList& operator=(const TemplateList&) = delete;
  ~TemplateList() {
    for (devices::Template& t : items) sodium_memzero(t.data(), t.size());
  }
  void Add(const BiometricData& data) {
    items.emplace_back(data.bytes().begin(), data.bytes().end());
  }
};

// The enrollment stages: the new template.
Result<BiometricData> CaptureStages(const Capture& capture) {
  devices::ScanOptions options;
  const int stages = capture.device.enroll_stages;
  options.timeout = capture.timeout * std::max(1, stages);
  auto completed = std::make_shared<int>(0);  // touched on the reader thread only
  options.on_event = [&capture, completed, stages](const ScanEvent& event) {
    CaptureEvent out;
    out.stages = stages;
    switch (event.kind) {
      case ScanEvent::Kind::kPlaceFinger:
        if (*completed >= stages) return;  // the last stage is in: nothing more to place
        out.kind = CaptureEvent::Kind::kPlaceFinger;
        out.stage = *completed + 1;
        break;
      case ScanEvent::Kind::kStageCompleted:
        *completed = event.completed_stages;
        out.kind = CaptureEvent::Kind::kCaptured;
        out.stage = event.completed_stages;
        break;
      case ScanEvent::Kind::kRetry:
        out.kind = CaptureEvent::Kind::kRetry;
        out.stage = event.completed_stages + 1;
        if (event.retry) out.reason = event.retry->message();
        break;
    }
    Emit(capture, out);
  };
  devices::Result<devices::Template> enrolled =
      capture.reader->Enroll(capture.device.id, std::move(options)).get();
  if (!enrolled.ok()) return FromDevice(enrolled.error());
  devices::Template& bytes = enrolled.value();
  BiometricData data(std::string(bytes.begin(), bytes.end()));
  sodium_memzero(bytes.data(), bytes.size());
  return data;
}

// One capture compared by `start(options)` (a Verify or Identify of the reader) with `compared`
// templates, asked for again after an unusable one, up to kCaptureAttempts times.
template <typename T, typename Start>
Result<T> CaptureOnce(const Capture& capture, size_t compared, Start start) {
  devices::ScanOptions options;
  options.timeout = capture.timeout + kMatchTimePerTemplate * static_cast<int64_t>(compared);
  options.on_event = [&capture](const ScanEvent& event) {
    if (event.kind != ScanEvent::Kind::kPlaceFinger) return;
    CaptureEvent out;
    out.check = true;
    Emit(capture, out);
  };
  for (int attempt = 1;; ++attempt) {
    devices::Result<T> outcome = start(options).get();
    if (outcome.ok()) return std::move(outcome).value();
    if (!devices::IsRetry(outcome.error().code()) || attempt == kCaptureAttempts) {
      return FromDevice(outcome.error());
    }
    CaptureEvent retry;
    retry.kind = CaptureEvent::Kind::kRetry;
    retry.check = true;
    retry.reason = outcome.error().message();
    Emit(capture, retry);
  }
}

// Which of `templates` the next capture matches: the first that does, or nullopt. One template
// is verified; more are identified.
Result<std::optional<size_t>> Match(const Capture& capture, const TemplateList& templates) {
  devices::FingerprintReader& reader = *capture.reader;
  const std::string& id = capture.device.id;
  if (templates.items.size() == 1) {
    auto same = CaptureOnce<bool>(capture, 1, [&](devices::ScanOptions options) {
      return reader.Verify(id, templates.items.front(), std::move(options));
    });
    if (!same.ok()) return same.status();
    return *same ? std::optional<size_t>(0) : std::nullopt;
  }
  return CaptureOnce<std::optional<size_t>>(
      capture, templates.items.size(), [&](devices::ScanOptions options) {
        return reader.Identify(id, templates.items, std::move(options));
      });
}

Status CheckFailed() {
  return Status::FailedPrecondition(
      "the check capture does not match the finger just enrolled; nothing was stored: enroll "
      "the finger again");
}

// What the print just enrolled matched among the fingers held here, by the node's 1:N index
// (node/finger_index.h); the check capture is verified against the new template alone.
Result<std::optional<TemplateOwner>> CheckByIndex(Node& node, const Capture& capture, const BiometricData& enrolled,
                                                  const identify::Template& minutiae,
                                                  const TemplateOwner& enrolling) {
  auto index = node.finger_index();
  if (!index.ok()) return index.status();
  TemplateList fresh;
  fresh.Add(enrolled);
  auto same = Match(capture, fresh);
  if (!same.ok()) return same.status();
  if (!*same) return CheckFailed();
  auto found = (*index)->FindMatch(minutiae, enrolling);
  if (!found.ok()) {
    return Status::FailedPrecondition(found.status().message() +
                                      "; nothing was stored: enroll the finger again, pressing it flat");
  }
  return found;
}

// The same with libfprint's identify over every template held (a match-on-chip reader's prints
// carry no minutiae): the check capture is identified among the gallery and the new template.
Result<std::optional<TemplateOwner>> CheckByReader(const Node& node, const BiometricKeys& keys, const Capture& capture,
                                                   const BiometricData& enrolled, const TemplateOwner& enrolling) {
  auto gallery = LoadGallery(node.store(), *keys.data_key, enrolling);
  if (!gallery.ok()) return gallery.status();
  if (!gallery->empty() && !capture.device.supports_identify) {
    return Status::FailedPrecondition("reader " + capture.device.id +
                                      " cannot identify, so a new print cannot be checked "
                                      "against the " +
                                      std::to_string(gallery->size()) +
                                      " fingerprints held here; use a reader that can");
  }
  TemplateList candidates;  // the gallery, then the new template
  for (size_t i = 0; i < gallery->size(); ++i) candidates.Add(gallery->template_at(i));
  candidates.Add(enrolled);
  auto matched = Match(capture, candidates);
  if (!matched.ok()) return matched.status();
  if (!*matched) return CheckFailed();
  if (**matched == gallery->size()) return std::optional<TemplateOwner>();
  return std::optional<TemplateOwner>(gallery->owner(**matched));
}

}  // namespace

Result<FingerEnrollment> EnrollFinger(Node& node, const BiometricKeys& keys, const Enrollee& who,
                                      BiometricPart finger, const Capture& capture) {
  DANCU_RETURN_IF_ERROR(CheckEnrollable(node, who.record_id));
  const TemplateOwner enrolling{who.record_id, finger};
  auto enrolled = CaptureStages(capture);
  if (!enrolled.ok()) return enrolled.status();
  const std::optional<identify::Template> minutiae = MinutiaeOf(enrolled->bytes());
  auto matched = minutiae ? CheckByIndex(node, capture, *enrolled, *minutiae, enrolling)
                          : CheckByReader(node, keys, capture, *enrolled, enrolling);
  if (!matched.ok()) return matched.status();
  FingerEnrollment result;
  if (!*matched) {
    auto seq = StoreFinger(node, keys, who, finger, enrolled->bytes());
    if (!seq.ok()) return seq.status();
    result.seq = *seq;
    return result;
  }
  const TemplateOwner& owner = **matched;
  if (owner.record_id == who.record_id) {
    return Status::InvalidArgument("this print matches the " + PartName(owner.finger) +
                                   " already enrolled for record " + who.record_id +
                                   "; nothing was stored: check which finger is on the reader");
  }
  auto opened = OpenDuplicateCase(node, keys, who, finger, enrolled->bytes(), owner);
  if (!opened.ok()) return opened.status();
  result.seq = opened->seq;
  result.duplicate = std::move(opened.value());
  result.match = owner;
  return result;
}

Result<Verification> VerifyFinger(const Node& node, const std::string& record_id,
                                  std::optional<BiometricPart> finger, const Capture& capture) {
  auto key = node.data_key();
  if (!key.ok()) return key.status();
  auto held = LoadResidentTemplates(node.store(), **key, record_id, finger);
  if (!held.ok()) return held.status();
  if (held->empty()) {
    return Status::NotFound("no fingerprint " +
                            (finger ? "of the " + PartName(*finger) + " " : "") + "of record " +
                            record_id + " is held at this node");
  }
  if (held->size() > 1 && !capture.device.supports_identify) {
    return Status::FailedPrecondition("reader " + capture.device.id +
                                      " cannot identify among the " + std::to_string(held->size()) +
                                      " fingers held for this resident: name the finger");
  }
  TemplateList templates;
  for (size_t i = 0; i < held->size(); ++i) templates.Add(held->template_at(i));
  auto matched = Match(capture, templates);
  if (!matched.ok()) return matched.status();
  Verification verification;
  if (*matched) verification.matched = held->owner(**matched).finger;
  return verification;
}

}  // namespace dancu::node
