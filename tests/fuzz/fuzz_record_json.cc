// Fuzzes the JSON form of a resident (storage/record_json.h): an import line or an HTTP body read
// with ParseJsonLine and ResidentFromJson. Properties: no crash or undefined behaviour, and a
// document that reads writes back (ResidentToJson, which must dump without throwing) as one that
// reads to the same canonical record.
#include <capnp/message.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "storage/canonical.h"
#include "storage/record_json.h"

namespace {

using namespace dancu;

// The canonical bytes of the record `json` reads to, or "" when it does not read.
std::string Read(const nlohmann::json& json) {
  capnp::MallocMessageBuilder message;
  auto resident = message.initRoot<schema::Resident>();
  if (!storage::ResidentFromJson(json, resident, nullptr).empty()) return "";
  return storage::Canonicalize(resident.asReader());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nlohmann::json json;
  if (!storage::ParseJsonLine(std::string_view(reinterpret_cast<const char*>(data), size), &json).empty()) return 0;
  const std::string record = Read(json);
  if (record.empty()) return 0;
  auto parsed = storage::Parsed<schema::Resident>::Parse(record, "resident");
  if (!parsed.ok()) std::abort();
  const nlohmann::json written = storage::ResidentToJson(parsed->get());
  (void)written.dump();  // throws (and so crashes the fuzzer) on text that is not UTF-8
  if (Read(written) != record) std::abort();
  return 0;
}
