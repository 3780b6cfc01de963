#include "node/biometric_crypto.h"

#include <sodium.h>

namespace dancu::node {

namespace {

constexpr char kAtRestVersion = 1;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

// What binds a blob to its record and part: the associated data at rest, the header sealed.
std::string Binding(std::string_view domain, std::string_view record_id, BiometricPart part) {
  std::string out(domain);
  out += '\0';
  out += record_id;
  out += '\0';
  out += PartName(part);
  out += '\0';
  return out;
}

std::string AtRestBinding(std::string_view record_id, BiometricPart part) {
  return Binding("dancu/biometric-at-rest/v1", record_id, part);
}

std::string SealedHeader(std::string_view record_id, BiometricPart part) {
  return Binding("dancu/biometric-sealed/v1", record_id, part);
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

}  // namespace

BiometricData::BiometricData(BiometricData&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.Wipe();
}

BiometricData& BiometricData::operator=(BiometricData&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.Wipe();
  }
  return *this;
}

BiometricData::~BiometricData() { Wipe(); }

void BiometricData::Wipe() {
  sodium_memzero(bytes_.data(), bytes_.size());
  bytes_.clear();
}

std::string EncryptAtRest(const DataKey& key, std::string_view record_id, BiometricPart part,
                          std::string_view plain) {
  storage::EnsureSodium();
  const std::string ad = AtRestBinding(record_id, part);
  std::string blob(1 + kNonceBytes + plain.size() + kTagBytes, '\0');
  blob[0] = kAtRestVersion;
  unsigned char* nonce = Bytes(blob) + 1;
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &written, Bytes(plain),
                                             plain.size(), Bytes(ad), ad.size(), nullptr, nonce,
                                             key.data());
  return blob;
}

Result<BiometricData> DecryptAtRest(const DataKey& key, std::string_view record_id,
                                    BiometricPart part, std::string_view blob) {
  storage::EnsureSodium();
  if (blob.size() < 1 + kNonceBytes + kTagBytes || blob[0] != kAtRestVersion) {
    return Status::Corruption("encrypted " + PartName(part) + " of record " +
                              std::string(record_id) + " is malformed");
  }
  const std::string ad = AtRestBinding(record_id, part);
  const unsigned char* nonce = Bytes(blob) + 1;
  const size_t sealed_size = blob.size() - 1 - kNonceBytes;
  std::string plain(sealed_size - kTagBytes, '\0');
  unsigned long long plain_size = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(Bytes(plain), &plain_size, nullptr,
                                                 nonce + kNonceBytes, sealed_size, Bytes(ad),
                                                 ad.size(), nonce, key.data()) != 0) {
    return Status::Corruption("encrypted " + PartName(part) + " of record " +
                              std::string(record_id) +
                              " does not decrypt: altered, moved from another record, or under "
                              "another node's key");
  }
  return BiometricData(std::move(plain));
}

std::string SealForCentral(const storage::PublicKey& central_curve_key, std::string_view record_id,
                           BiometricPart part, std::string_view plain) {
  storage::EnsureSodium();
  std::string header_and_plain = SealedHeader(record_id, part);
  header_and_plain.append(plain);
  const BiometricData message(std::move(header_and_plain));
  std::string sealed(message.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(Bytes(sealed), Bytes(message.bytes()), message.size(), central_curve_key.data());
  return sealed;
}

Result<BiometricData> OpenSealedBiometric(const NodeSecrets& central, std::string_view record_id,
                                          BiometricPart part, std::string_view sealed) {
  storage::EnsureSodium();
  const std::string what = "sealed " + PartName(part) + " of record " + std::string(record_id);
  if (sealed.size() < crypto_box_SEALBYTES) return Status::Corruption(what + " is malformed");
  std::string opened(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(Bytes(opened), Bytes(sealed), sealed.size(), central.curve_public.data(),
                           central.curve_secret.data()) != 0) {
    return Status::Corruption(what +
                              " cannot be opened: altered, or not sealed to this node's key");
  }
  BiometricData message(std::move(opened));
  const std::string header = SealedHeader(record_id, part);
  if (!message.bytes().starts_with(header)) {
    return Status::Corruption(what + " was sealed for another record or part");
  }
  return BiometricData(std::string(message.bytes().substr(header.size())));
}

}  // namespace dancu::node
