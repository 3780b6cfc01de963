#include "devices/card/crl.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "devices/card/asn1_text.h"

namespace dancu::devices::card {

Result<CrlPtr> ParseCrl(const Bytes& bytes) {
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  if (!crl) {
    const unsigned char* p = bytes.data();
    crl.reset(d2i_X509_CRL(nullptr, &p, static_cast<long>(bytes.size())));
  }
  if (!crl) return Error(ErrorCode::kInvalidArgument, "not a certificate revocation list (PEM or DER)");
  return crl;
}

bool IssuedBy(X509_CRL* crl, X509* csca) {
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(csca)) != 0) return false;
  EVP_PKEY* key = X509_get0_pubkey(csca);
  return key != nullptr && X509_CRL_verify(crl, key) == 1;
}

std::optional<std::string> RevocationDate(X509_CRL* crl, X509* cert) {
  X509_REVOKED* revoked = nullptr;
  if (X509_CRL_get0_by_cert(crl, &revoked, cert) != 1 || revoked == nullptr) return std::nullopt;
  return DateText(X509_REVOKED_get0_revocationDate(revoked));
}

std::string IssuerOf(X509_CRL* crl) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_CRL_get_issuer(crl), 0, XN_FLAG_RFC2253);
  return MemoryText(bio.get());
}

std::string NextUpdateOf(X509_CRL* crl) {
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl);
  return next ? DateText(next) : "";
}

std::size_t RevokedCount(X509_CRL* crl) {
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl);
  return revoked ? static_cast<std::size_t>(sk_X509_REVOKED_num(revoked)) : 0;
}

std::string PemOf(X509_CRL* crl) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(bio.get(), crl);
  return MemoryText(bio.get());
}

std::string FingerprintOf(X509_CRL* crl) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_CRL_digest(crl, EVP_sha256(), md, &n);
  return LowerHex(md, n);
}

}  // namespace dancu::devices::card
