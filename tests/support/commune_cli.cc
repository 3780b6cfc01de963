#include "tests/support/commune_cli.h"

#include <catch2/catch.hpp>

namespace dancu::testing {

using nlohmann::json;

CommuneCli::CommuneCli() {
  Expect({"init", "--data", data(), "--role", "commune", "--unit", "00001"}, 0);
  Expect({"officer", "add", "--data", data(), "--name", "officer.an"}, 0);
}

ProcessOptions CommuneCli::AsOfficer(ProcessOptions options) {
  options.env.emplace("DANCU_PASSWORD", "mật khẩu của An");
  options.env.emplace("DANCU_OFFICER", "officer.an");
  return options;
}

ProcessResult CommuneCli::Run(std::vector<std::string> args, ProcessOptions options) {
  return RunDancu(args, AsOfficer(std::move(options)));
}

ProcessResult CommuneCli::Expect(const std::vector<std::string>& args, int exit_code,
                                 ProcessOptions options) {
  ProcessResult r = Run(args, options);
  INFO("dancu " << args.front() << " ...\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == exit_code);
  return r;
}

std::string CommuneCli::StateHash() {
  return json::parse(Expect({"state-hash", "--data", data(), "--json"}, 0).out)["state_hash"];
}

std::string CommuneCli::Add(const json& resident) {
  auto r = Expect({"resident", "add", "--data", data(), "--json", resident.dump()}, 0);
  return json::parse(r.out)["id"];
}

}  // namespace dancu::testing
