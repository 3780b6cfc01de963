// Fuzzes node::ReadKeyFile, which reads DATA_DIR/node.key (JSON, hex) at every command's start:
// the input is written to a file in a fresh temporary directory and read without a passphrase (a
// sealed file then stops before argon2id, whose 64 MiB per call would starve the fuzzer).
// Property: no crash or undefined behaviour; a file that reads holds a usable signing key.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "node/key_file.h"

namespace {

// The file the inputs are written to, in a directory made once per process.
const std::string& KeyPath() {
  static const std::string path = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "dancu-fuzz-key-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) std::abort();
    static const std::string removed_at_exit = dir;
    std::atexit([] { std::filesystem::remove_all(removed_at_exit); });
    return dir + "/node.key";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu;
  {
    std::ofstream out(KeyPath(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();
  }
  auto secrets = node::ReadKeyFile(KeyPath(), std::nullopt);
  if (secrets.ok()) {
    const storage::Signature signature = secrets->signing.Sign("fuzz");
    if (!storage::VerifySignature(secrets->signing.public_key(), "fuzz", signature)) std::abort();
  }
  return 0;
}
