// Test support: a commune node (unit 00001) made with the real `dancu` binary, with officer
// officer.an, on which tests run dancu commands as that officer would.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/test_node.h"

namespace dancu::testing {

class CommuneCli {
 public:
  CommuneCli();

  std::string data() const { return dir_.Sub("node"); }
  std::string file(const std::string& name) const { return dir_.Sub(name); }

  // Runs dancu as officer.an (unless `options` names another officer or password).
  ProcessResult Run(std::vector<std::string> args, ProcessOptions options = {});
  // Run, REQUIRing `exit_code`.
  ProcessResult Expect(const std::vector<std::string>& args, int exit_code,
                       ProcessOptions options = {});
  std::string StateHash();
  // Registers `resident`; returns its record id.
  std::string Add(const nlohmann::json& resident);

  // The environment that makes dancu run as officer.an, added to `options`.
  static ProcessOptions AsOfficer(ProcessOptions options);

 private:
  TempDir dir_;
};

}  // namespace dancu::testing
