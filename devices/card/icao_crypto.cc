#include "devices/card/icao_crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <memory>
#include <stdexcept>

namespace dancu::devices::card {

namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

// Runs `cipher` (a DES-EDE variant) over `data` with the 16-byte `key`, without padding.
Bytes Run(const EVP_CIPHER* cipher, const Bytes& key, const Bytes& data, bool encrypt) {
  if (key.size() != 16) throw std::invalid_argument("3DES key must be 16 bytes");
  if (data.size() % kBlock != 0) throw std::invalid_argument("3DES data must be whole blocks");
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  const std::uint8_t iv[kBlock] = {};
  Bytes out(data.size() + kBlock);
  int n = 0;
  int tail = 0;
  if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(), iv, encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_CipherUpdate(ctx.get(), out.data(), &n, data.data(), static_cast<int>(data.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + n, &tail) != 1) {
    throw std::runtime_error("OpenSSL 3DES failed");
  }
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

Bytes Sha1(const Bytes& data) {
  Bytes digest(SHA_DIGEST_LENGTH);
  SHA1(data.data(), data.size(), digest.data());
  return digest;
}

void SetOddParity(Bytes& key) {
  for (std::uint8_t& b : key) {
    int ones = __builtin_popcount(b & 0xFE);
    b = static_cast<std::uint8_t>((b & 0xFE) | (ones % 2 == 0 ? 1 : 0));
  }
}

Bytes DeriveKey(const Bytes& seed, std::uint8_t counter) {
  Bytes d = seed;
  d.insert(d.end(), {0, 0, 0, counter});
  Bytes key = Sha1(d);
  key.resize(16);
  SetOddParity(key);
  return key;
}

int MrzValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 0;  // '<' and anything else
}

}  // namespace

char MrzCheckDigit(std::string_view field) {
  static constexpr int kWeights[] = {7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < field.size(); ++i) sum += MrzValue(field[i]) * kWeights[i % 3];
  return static_cast<char>('0' + sum % 10);
}

std::string MrzInformation(std::string_view document_number, std::string_view birth_yymmdd,
                           std::string_view expiry_yymmdd) {
  std::string doc(document_number);
  if (doc.size() < 9) doc.append(9 - doc.size(), '<');
  std::string out = doc + MrzCheckDigit(doc);
  out += std::string(birth_yymmdd) + MrzCheckDigit(birth_yymmdd);
  out += std::string(expiry_yymmdd) + MrzCheckDigit(expiry_yymmdd);
  return out;
}

Bytes BacKeySeed(std::string_view mrz_information) {
  Bytes seed = Sha1(ToBytes(mrz_information));
  seed.resize(16);
  return seed;
}

KeyPair DeriveKeys(const Bytes& seed) { return {DeriveKey(seed, 1), DeriveKey(seed, 2)}; }

Bytes Pad(const Bytes& data) {
  Bytes out = data;
  out.push_back(0x80);
  while (out.size() % kBlock) out.push_back(0);
  return out;
}

Result<Bytes> Unpad(const Bytes& padded) {
  std::size_t end = padded.size();
  while (end > 0 && padded[end - 1] == 0) --end;
  if (end == 0 || padded[end - 1] != 0x80 || padded.size() - end >= kBlock) {
    return Error(ErrorCode::kSecureMessaging, "bad padding in a protected response");
  }
  return Bytes(padded.begin(), padded.begin() + static_cast<std::ptrdiff_t>(end - 1));
}

Bytes Encrypt(const Bytes& key, const Bytes& data) {
  return Run(EVP_des_ede_cbc(), key, data, true);
}

Bytes Decrypt(const Bytes& key, const Bytes& data) {
  return Run(EVP_des_ede_cbc(), key, data, false);
}

Bytes RetailMac(const Bytes& key, const Bytes& data) {
  if (key.size() != 16) throw std::invalid_argument("MAC key must be 16 bytes");
  const Bytes padded = Pad(data);
  Bytes k1(key.begin(), key.begin() + kBlock);
  Bytes single_des = k1;  // EDE with K1 = K2: single DES under K1
  single_des.insert(single_des.end(), k1.begin(), k1.end());
  Bytes h(kBlock, 0);
  for (std::size_t i = 0; i < padded.size(); i += kBlock) {
    Bytes x(kBlock);
    for (std::size_t k = 0; k < kBlock; ++k) x[k] = static_cast<std::uint8_t>(padded[i + k] ^ h[k]);
    bool last = i + kBlock == padded.size();
    h = Run(EVP_des_ede_ecb(), last ? key : single_des, x, true);
  }
  return h;
}

Bytes RandomBytes(std::size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    throw std::runtime_error("OpenSSL's random generator failed");
  }
  return out;
}

}  // namespace dancu::devices::card
