// The content of a segment's zstd frame: entries one after another, each as LEB128(length) || bytes.
//
// Unpacking is a trust boundary: lengths must be minimal LEB128, positive, within the content, and
// add up to exactly the content with exactly the expected number of entries.
//
// Pure functions, thread-safe. Errors: Corruption naming the entry at fault (0-based).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace dancu::replication {

// Appends `entry` with its length prefix to `out`.
void PackEntry(std::string_view entry, std::string& out);

// The entries of `packed`, which must hold exactly `count` of them; views into `packed`.
Result<std::vector<std::string_view>> UnpackEntries(std::string_view packed, size_t count);

}  // namespace dancu::replication
