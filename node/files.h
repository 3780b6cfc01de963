// Whole-file reads and crash-safe writes for the node's small files (node.json, key files,
// certificates, requests, bundles, leases). Thread-safe. Errors: NotFound / IOError naming the
// path; a full disk's IOError says so (storage/disk_errors.h), with the space free and needed.
#pragma once

#include <sys/types.h>

#include <string>

#include "storage/status.h"

namespace dancu::node {

Result<std::string> ReadWholeFile(const std::string& path);

// Writes `bytes` to path.tmp, fsyncs it, renames it over `path` and fsyncs the directory: after a
// crash the file holds either its old content or the new, never part of either. On any failure
// (a full disk, an I/O error) path.tmp is removed and `path` is as it was.
Status WriteFileAtomically(const std::string& path, const std::string& bytes);

// The same for a file that must not exist yet (a secret key), created with `mode`: AlreadyExists
// if it does; `path` appears whole or not at all.
Status CreateFileAtomically(const std::string& path, const std::string& bytes, mode_t mode);

}  // namespace dancu::node
