// Fuzzes node::VerifyLease, which checks every citizen-number lease a node receives in reference
// data (node/leases.h), against a central node made at start in a temporary directory. Its seed is
// the lease that central grants there, written at start into the corpus directory (the first
// argument that is a directory): the fuzzer's own tree signs it, so no seed file could. Properties:
// no crash or undefined behaviour, and a lease that verifies names serials of central's pool.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "node/leases.h"
#include "node/node.h"
#include "tests/fuzz/seed_origin.h"

namespace {

namespace fs = std::filesystem;
using namespace dancu;

fs::path g_dir;
// Never closed: RocksDB's own statics are gone by the time an exit handler could close it.
node::Node* g_central = nullptr;

void Require(const Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "fuzz_lease: %s\n", status.ToString().c_str());
    std::abort();
  }
}

void Remove() { fs::remove_all(g_dir); }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  std::string dir = (fs::temp_directory_path() / "dancu-fuzz-lease-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) std::abort();
  g_dir = dir;
  std::atexit(Remove);
  const std::string data = dir + "/central";
  Require(node::Node::Init({data, schema::Role::CENTRAL, "VN", std::nullopt, fuzz::kSeedNowMs}).status());
  storage::StoreOptions options;
  options.sync = false;
  auto central = node::Node::Open(data, node::KeyAccess::kSign, std::nullopt, options);
  Require(central.status());
  g_central = central.value().release();
  auto lease = node::GrantLease(*g_central, 42, "002", 100, fuzz::kSeedNowMs);
  Require(lease.status());
  for (int i = 1; i < *argc; ++i) {
    if ((*argv)[i][0] != '-' && fs::is_directory((*argv)[i])) {
      std::ofstream(fs::path((*argv)[i]) / "granted", std::ios::binary) << *lease;
      break;
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto lease = node::VerifyLease(*g_central, std::string_view(reinterpret_cast<const char*>(data), size));
  if (lease.ok() && (lease->count == 0 || lease->first < node::kPoolFirst || lease->first + lease->count > 1000000)) {
    std::abort();
  }
  return 0;
}
