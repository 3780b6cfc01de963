// Whole-file reads and crash-safe writes for the node's small files (node.json, certificates,
// requests). Thread-safe; errors are NotFound / IOError naming the path.
#pragma once

#include <string>

#include "storage/status.h"

namespace dancu::node {

Result<std::string> ReadWholeFile(const std::string& path);

// Writes `bytes` to path.tmp, fsyncs it, and renames it over `path`: after a crash the file holds
// either its old content or the new, never part of either.
Status WriteFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace dancu::node
