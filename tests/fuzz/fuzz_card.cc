// Fuzzes what dancu decodes from a chip card — every byte of which an attacker's card chooses:
// the LDS data groups (DG1, DG2, DG13), EF.SOD through passive authentication, and secure-messaging
// responses. Properties: no crash or undefined behaviour; a DG13 that parses re-encodes to one
// that parses to the same fields; a protected response never unprotects under keys it was not
// made with (the MAC check).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>

#include "devices/card/dg13.h"
#include "devices/card/passive_auth.h"
#include "devices/card/secure_messaging.h"

namespace {

namespace card = dancu::devices::card;

bool SameFields(const card::CitizenData& a, const card::CitizenData& b) {
  return a.citizen_no == b.citizen_no && a.full_name == b.full_name &&
         a.birth_date == b.birth_date && a.father == b.father && a.mother == b.mother &&
         a.old_id_no == b.old_id_no && a.permanent_residence == b.permanent_residence &&
         a.other == b.other;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const card::Bytes bytes(data, data + size);

  auto dg13 = card::ParseDg13(bytes);
  if (dg13.ok()) {
    auto again = card::ParseDg13(card::EncodeDg13(dg13.value()));
    if (!again.ok() || !SameFields(dg13.value(), again.value())) std::abort();
  }
  (void)card::ParseDg1(bytes);
  (void)card::ParseDg2(bytes);

  card::CardFiles files;
  files.sod = bytes;
  files.dg13 = bytes;
  (void)card::VerifyPassive(files, card::TrustStore(), std::time(nullptr));

  const card::KeyPair keys{card::Bytes(16, 0x11), card::Bytes(16, 0x22)};
  card::SecureMessaging terminal(keys, card::Bytes(8, 0));
  if (size >= 2) {
    card::ResponseApdu response{card::Bytes(data, data + size - 2),
                                static_cast<std::uint16_t>(data[size - 2] << 8 | data[size - 1])};
    auto plain = terminal.UnprotectResponse(response);
    // Without the keys no one makes a valid MAC: only a plain error status passes.
    if (plain.ok() && (!response.data.empty() || response.sw == card::kSwOk)) std::abort();
    card::SecureMessaging card_side(keys, card::Bytes(8, 0));
    (void)card_side.UnprotectCommand({0x0C, 0xB0, 0, 0, response.data, 256});
  }
  return 0;
}
