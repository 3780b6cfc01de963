// Fuzzes identify::Parse, which reads fingerprint templates (the DNFT format) from the store, the
// network and devices. Properties: no crash or undefined behaviour, and what parses serialises back
// to exactly the bytes read (the format has one encoding per template).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "devices/identify/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu::identify;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto parsed = Parse(bytes);
  if (!parsed.ok()) return 0;
  if (!Validate(parsed.value()).ok()) std::abort();
  auto serialised = Serialize(parsed.value());
  if (!serialised.ok() || serialised.value() != bytes) std::abort();
  return 0;
}
