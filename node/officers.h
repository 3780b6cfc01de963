// Officer accounts of a node: name -> argon2id password hash (crypto_pwhash_str), kept in the
// store's metadata. Every change names the officer who made it.
//
// Thread-safe (the store is). Errors: InvalidArgument for a malformed name or a short password,
// AlreadyExists, PermissionDenied for an unknown officer or a wrong password (one message for
// both, so a caller cannot probe for names; an unknown name's password is checked against a
// dummy hash of the same cost, so the time taken does not tell either).
#pragma once

#include <string>
#include <vector>

#include "storage/status.h"
#include "storage/store.h"

namespace dancu::node {

// Names: 2-32 of [a-z0-9._-]. Passwords: at least 8 bytes.
Status AddOfficer(storage::Store& store, const std::string& name, const std::string& password);
Status CheckOfficer(const storage::Store& store, const std::string& name, const std::string& password);
Result<std::vector<std::string>> ListOfficers(const storage::Store& store);

}  // namespace dancu::node
