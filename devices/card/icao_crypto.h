// The symmetric cryptography of ICAO 9303 Part 11 for Basic Access Control and its secure
// messaging: key derivation from the MRZ, two-key 3DES in CBC mode and the retail MAC
// (ISO/IEC 9797-1 MAC algorithm 3 with DES).
//
// OpenSSL 3's default provider has no single DES, so the retail MAC is built from two-key 3DES
// alone: EDE with K1 = K2 is single DES under K1, and the final transformation of MAC algorithm 3,
// E(K1, D(K2, E(K1, x))), is one two-key 3DES block encryption.
//
// Keys are 16 bytes (two-key 3DES); data given to Encrypt/Decrypt is a multiple of 8 bytes.
// Breaking either is a programming error and throws std::invalid_argument. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "devices/card/bytes.h"
#include "devices/result.h"

namespace dancu::devices::card {

inline constexpr std::size_t kBlock = 8;

// The ICAO 9303 Part 3 check digit (weights 7, 3, 1) of MRZ characters 0-9, A-Z and '<'.
char MrzCheckDigit(std::string_view field);

// The "MRZ information" BAC keys come from: document number padded with '<' to 9 characters,
// birth and expiry dates as YYMMDD, each followed by its check digit.
std::string MrzInformation(std::string_view document_number, std::string_view birth_yymmdd,
                           std::string_view expiry_yymmdd);

// K_seed: the first 16 bytes of SHA-1(MRZ information).
Bytes BacKeySeed(std::string_view mrz_information);

struct KeyPair {
  Bytes enc;  // 16 bytes
  Bytes mac;  // 16 bytes
};

// The KDF of Part 11 9.7.1 for 3DES: SHA-1(seed || counter) cut to 16 bytes with the DES parity
// bits set. Counter 1 gives the encryption key, 2 the MAC key.
KeyPair DeriveKeys(const Bytes& seed);

// ISO/IEC 9797-1 padding method 2: 0x80, then zeros to a multiple of 8.
Bytes Pad(const Bytes& data);
// Removes method-2 padding; fails (kSecureMessaging) if there is none.
Result<Bytes> Unpad(const Bytes& padded);

// Two-key 3DES, CBC with a zero IV, no padding.
Bytes Encrypt(const Bytes& key, const Bytes& data);
Bytes Decrypt(const Bytes& key, const Bytes& data);

// The retail MAC of Pad(data): 8 bytes.
Bytes RetailMac(const Bytes& key, const Bytes& data);

// `n` bytes from OpenSSL's CSPRNG.
Bytes RandomBytes(std::size_t n);

}  // namespace dancu::devices::card
