// Test support for enrollment on the node: a tree of central, a district and a commune (00001,
// under district 001) whose commune has central's chain installed, opened for writing, with a
// valid resident to enroll.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "node/enrollment.h"
#include "node/key_file.h"
#include "node/node.h"
#include "tests/support/test_node.h"

namespace dancu::testing {

class EnrollmentTree {
 public:
  EnrollmentTree();

  std::string central_dir() const { return dir_.Sub("central"); }
  std::string district_dir() const { return dir_.Sub("district"); }
  std::string commune_dir() const { return dir_.Sub("commune"); }

  node::Node& commune() { return *commune_; }
  const node::BiometricKeys& keys() const { return keys_; }
  // A node's secrets, read from its key file.
  static node::NodeSecrets Secrets(const std::string& data_dir);

  // Registers ValidResident(serial) on the commune; returns its record id.
  std::string AddResident(uint32_t serial);
  // Appends `drafts` on the commune; REQUIREs that Append itself succeeds.
  storage::AppendOutcome Append(std::vector<storage::Draft> drafts);

  // Closes the commune's node, runs `edit` (which may open its database), and opens it again.
  void WithCommuneClosed(const std::function<void()>& edit);

 private:
  void OpenCommune();

  TempDir dir_;
  std::unique_ptr<node::Node> commune_;
  node::BiometricKeys keys_;
};

}  // namespace dancu::testing
