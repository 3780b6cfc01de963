// Internal to devices/: libfprint's GErrors as our Errors.
#pragma once

#include <glib.h>

#include <optional>
#include <string_view>

#include "devices/result.h"

namespace dancu::devices::internal {

// An Error with `code`'s fixed description, naming the device, and `detail` if not empty:
// "fingerprint device <id>: <description> (<detail>)". No biometric data goes in `detail`.
Error MakeError(ErrorCode code, std::string_view device_id, std::string_view detail = {});

// Maps an error that libfprint reported for `device_id`. `aborted` says why we cancelled the
// call, if we did (kCancelled or kTimedOut): that is what a G_IO_ERROR_CANCELLED then means.
Error FromGError(const GError& error, std::string_view device_id,
                 std::optional<ErrorCode> aborted);

}  // namespace dancu::devices::internal
