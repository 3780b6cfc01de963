// Officer accounts of a node: name -> argon2id password hash (crypto_pwhash_str) and the officer's
// role on the node (storage/officer_role.h), kept in the store's metadata. Every change names the
// officer who made it and carries the officer's role, signed with it.
//
// Roles: clerk (any node), chief (communes), operator (hubs and central). An account made before
// roles has none recorded and is a clerk: the least a node's officer may do (register, correct,
// enroll), deciding nothing and managing no one. A chief or operator manages the node's officers.
//
// A node keeps at least one officer who manages officers once it has one: the last chief (or
// operator) can be neither demoted nor removed, so the console is never left without someone to
// manage it. (Two managers demoting each other at the same instant can both pass this check; `dancu
// officer add --role` on the node mends that.)
//
// Thread-safe (the store is). Errors: InvalidArgument for a malformed name, a short password or a
// role the node does not have, AlreadyExists, PermissionDenied for an unknown officer or a wrong
// password (one message for both, so a caller cannot probe for names; an unknown name's password
// is checked against a dummy hash of the same cost, so the time taken does not tell either) and
// for an officer whose role does not allow what is asked.
#pragma once

#include <string>
#include <vector>

#include "storage/change.capnp.h"
#include "storage/status.h"
#include "storage/store.h"

namespace dancu::node {

struct Officer {
  std::string name;
  schema::OfficerRole role = schema::OfficerRole::CLERK;
};

// Names: 2-32 of [a-z0-9._-]. Passwords: at least 8 bytes. `hub`: the node is a hub or central
// (node/role.h IsHub), which decides the roles it has.
Status AddOfficer(storage::Store& store, const Officer& officer, const std::string& password, bool hub);
Status CheckOfficer(const storage::Store& store, const std::string& name, const std::string& password);
// The officer's role: clerk when none is recorded.
Result<schema::OfficerRole> OfficerRoleOf(const storage::Store& store, const std::string& name);
Result<std::vector<Officer>> ListOfficers(const storage::Store& store);
// Gives an existing officer another role of the node's. NotFound for an unknown name;
// FailedPrecondition when it would demote the node's last manager.
Status SetOfficerRole(storage::Store& store, const Officer& officer, bool hub);
// Removes an officer's account: they can no longer log in. The changes they made keep their name.
// NotFound for an unknown name; FailedPrecondition for the node's last manager.
Status RemoveOfficer(storage::Store& store, const std::string& name);

// Ok when `officer` may manage the node's officers (a chief or an operator); PermissionDenied else.
Status CheckMayManageOfficers(const Officer& officer);
// Ok when `officer`, on a node that is (or is not) a hub, may decide the review queue (an
// operator of a hub or central); PermissionDenied naming who may, else.
Status CheckMayDecide(const Officer& officer, bool hub);

}  // namespace dancu::node
