// Fingers at the reader: enrolling one with its duplicate check, and verifying a resident at the
// counter. Drives a devices::FingerprintReader; what is captured goes through node/enrollment.h.
//
// Enrolling a finger takes the reader's enrollment stages, then one more capture, the check,
// identified against the node's gallery (every other template held here) followed by the new
// template itself. libfprint reports the first template that matches, so the check tells at once
// whether the print belongs to another resident (a duplicate case, node/enrollment.h), to another
// finger of the same resident (refused), or only to the new template (enrolled); a check that
// matches nothing, not even the new template, refuses the enrollment. A reader that cannot
// identify checks with verify against the new template, which is enough only while the gallery is
// empty; with a gallery it is refused before any capture.
//
// A capture the reader finds unusable (finger not centered, ...) is asked for again: during the
// enrollment stages by libfprint itself, for the check and for verification up to
// kCaptureAttempts times.
//
// Threading: the calls block the calling thread until the reader is done (each reader operation
// has its own timeout). CaptureEvents are delivered on the reader's thread, in order.
// Errors: Status. Device failures are IOError (NotFound for an unknown device) with the reader's
// message; nothing is written unless the call succeeds. No message carries biometric data.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "devices/fingerprint_reader.h"
#include "node/biometric_gallery.h"
#include "node/enrollment.h"

namespace dancu::node {

inline constexpr int kCaptureAttempts = 3;
// What a capture that is matched may take beyond Capture::timeout (the person's time to place the
// finger), per template compared: libfprint's image readers match serially with bozorth3, 40-70 ms
// a template on a 2-core machine (docs/performance.md), so a large gallery's check needs minutes,
// not the capture's timeout.
inline constexpr std::chrono::milliseconds kMatchTimePerTemplate{250};

// Progress for the person at the reader.
struct CaptureEvent {
  enum class Kind {
    kPlaceFinger,  // the reader waits for the finger
    kCaptured,     // an enrollment stage was accepted
    kRetry,        // the last capture was unusable; `reason` says why
  };
  Kind kind = Kind::kPlaceFinger;
  bool check = false;  // the capture is the check, or a verification, not an enrollment stage
  int stage = 0;       // enrollment: the stage awaited (kPlaceFinger) or accepted (kCaptured)
  int stages = 0;      // enrollment: how many the reader takes
  std::string reason;  // kRetry
};

struct Capture {
  devices::FingerprintReader* reader = nullptr;
  devices::DeviceInfo device;                                        // opened
  std::chrono::milliseconds timeout = devices::kDefaultScanTimeout;  // per capture
  std::function<void(const CaptureEvent&)> on_event;                 // may be empty
};

struct FingerEnrollment {
  uint64_t seq = 0;                        // of the change
  std::optional<DuplicateCase> duplicate;  // set when the print matched another resident's
  std::optional<TemplateOwner> match;      // whose, then
};

Result<FingerEnrollment> EnrollFinger(Node& node, const BiometricKeys& keys, const Enrollee& who,
                                      BiometricPart finger, const Capture& capture);

struct Verification {
  std::optional<BiometricPart> matched;  // the finger that matched, if one did
};

// Captures a finger of the resident and compares it with the templates held for `finger`, or for
// all the resident's enrolled fingers. NotFound if none is held here; FailedPrecondition if there
// are several and the reader cannot identify (name the finger then).
Result<Verification> VerifyFinger(const Node& node, const std::string& record_id,
                                  std::optional<BiometricPart> finger, const Capture& capture);

}  // namespace dancu::node
