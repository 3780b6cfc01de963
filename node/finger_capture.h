// Fingers at the reader: enrolling one with its duplicate check, and verifying a resident at the
// counter. Drives a devices::FingerprintReader; what is captured goes through node/enrollment.h.
//
// Enrolling a finger takes the reader's enrollment stages, then one more capture, the check,
// which must match the new template (else the enrollment is refused: the stages did not take one
// finger well). The duplicate check then searches the new print among every finger held here
// with the node's 1:N index (node/finger_index.h; any finger position, so a print offered as
// the wrong finger is caught too): a match with another resident's finger opens a duplicate case
// (node/enrollment.h), one with another finger of the same resident is refused, none enrolls the
// finger. A reader whose prints carry no minutiae (match-on-chip) is checked by libfprint's
// identify instead, the check capture identified among the gallery and the new template; such a
// reader that cannot identify is refused while the gallery is not empty.
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
#include "node/finger_index.h"

namespace dancu::node {

inline constexpr int kCaptureAttempts = 3;
// What a capture that is matched may take beyond Capture::timeout (the person's time to place the
// finger), per template libfprint compares: its image readers match serially with bozorth3, 40-70 ms
// a template on a 2-core machine (docs/performance.md), which is why the duplicate check searches
// the node's own index instead; only a match-on-chip reader's check still compares every template.
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
