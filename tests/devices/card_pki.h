// A test PKI made at test time with OpenSSL: a country signing CA (CSCA), a Document Signer it
// certifies, and cards issued under them. Nothing here is a real key.
#pragma once

#include <string>

#include "devices/card/card_issuer.h"
#include "devices/card/openssl_ptr.h"

namespace dancu::devices::card::testing {

struct TestPki {
  PkeyPtr csca_key;
  X509Ptr csca;
  PkeyPtr ds_key;
  X509Ptr ds;

  DocumentSigner signer() const { return {ds_key.get(), ds.get()}; }
};

struct PkiOptions {
  std::string country_name = "Test CSCA Viet Nam";
  bool expired_signer = false;  // the DS certificate expired yesterday
};

TestPki MakePki(const PkiOptions& options = {});

// A holder with every DG13 field set and a face of about `face_bytes` bytes (a JPEG header and
// noise: the card code does not decode images).
CardHolder SampleHolder(std::size_t face_bytes = 2000);

// SampleHolder's card issued under `pki`; aborts the test on failure.
CardContent IssueSample(const TestPki& pki, std::size_t face_bytes = 2000);

}  // namespace dancu::devices::card::testing
