// Fuzzes devices::MinutiaeFromPrint, which reads libfprint's serialised prints (GVariant) from a
// reader or the store into our template. Properties: no crash or undefined behaviour, and a
// template it returns is valid (it serialises).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "devices/fprint_minutiae.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu;
  const devices::Template print(data, data + size);
  auto unsized = devices::MinutiaeFromPrint(print);
  if (unsized.ok() && !identify::Serialize(unsized.value()).ok()) std::abort();
  auto sized = devices::MinutiaeFromPrint(print, 400, 500);
  if (sized.ok() && !identify::Serialize(sized.value()).ok()) std::abort();
  return 0;
}
