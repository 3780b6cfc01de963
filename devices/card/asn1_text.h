// The text forms the card code shows and stores for OpenSSL objects: dates, hex digests, and
// what a memory BIO holds. Thread-safe: pure functions.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>

#include <string>

namespace dancu::devices::card {

// YYYY-MM-DD (UTC), or "an unreadable date".
std::string DateText(const ASN1_TIME* t);

// `n` bytes as lowercase hex.
std::string LowerHex(const unsigned char* bytes, unsigned int n);

// Everything written to the memory BIO `bio` so far.
std::string MemoryText(BIO* bio);

}  // namespace dancu::devices::card
