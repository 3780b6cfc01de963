// Passive authentication (ICAO 9303 Part 11, section 5.1): proves the data groups read from a card
// are those the issuing state signed.
//
// EF.SOD holds a CMS SignedData over an LDSSecurityObject, the list of every data group's hash.
// The check: the signature verifies under the Document Signer (DS) certificate inside it; the DS
// certificate chains to a country signing CA (CSCA) certificate the operator installed (`dancu
// card trust add`); and each data group read hashes to its value in the list. The verdict tells
// three outcomes apart, because they call for different actions from the officer:
//   genuine         every check holds;
//   not genuine     a signature, a hash, a validity period or the chain fails, or a CSCA's CRL
//                   revokes the DS certificate: the data was altered or the card is forged,
//                   expired or signed by a revoked signer;
//   unknown signer  the document is consistent but signed under a CSCA this node does not trust
//                   (install the right CSCA, or treat the card as unverified).
// Thread-safe: each call works on its own objects; a TrustStore is read-only once built.
#pragma once

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "devices/card/crl.h"
#include "devices/card/lds.h"
#include "devices/card/openssl_ptr.h"

namespace dancu::devices::card {

enum class Authenticity { kGenuine, kNotGenuine, kUnknownSigner };

std::string_view Name(Authenticity a);  // "genuine", "not genuine", "unknown signer"

struct Verdict {
  Authenticity authenticity = Authenticity::kNotGenuine;
  std::string reason;  // empty when genuine; an English sentence otherwise
  std::string signer;  // the Document Signer's subject, when the SOD could be opened
};

// The CSCA certificates a node trusts, and the CRLs those CSCAs issued.
class TrustStore {
 public:
  // Every certificate and CRL (PEM or DER; *.pem, *.crt, *.cer, *.der, *.crl) in `dir`. A
  // missing directory is an empty store; a file that is neither a CA certificate nor a CRL of one
  // of the CSCAs in `dir` is kInvalidArgument, naming it.
  static Result<TrustStore> LoadDirectory(const std::filesystem::path& dir);

  // Adds a CSCA certificate; kInvalidArgument unless it is a CA certificate.
  Result<void> Add(X509Ptr cert);
  // Adds a CRL; kInvalidArgument unless an installed CSCA issued it (its name and signature).
  Result<void> AddCrl(CrlPtr crl);
  const std::vector<X509Ptr>& cscas() const { return cscas_; }
  const std::vector<CrlPtr>& crls() const { return crls_; }

 private:
  std::vector<X509Ptr> cscas_;
  std::vector<CrlPtr> crls_;
};

// Reads one certificate, PEM or DER. kInvalidArgument if the bytes hold none.
Result<X509Ptr> ParseCertificate(const Bytes& pem_or_der);

// Whether `cert` may act as a CSCA: a CA certificate (basic constraints CA:TRUE).
bool IsCaCertificate(X509* cert);

// For showing and storing certificates: the subject (RFC 2253), the last day of validity
// (YYYY-MM-DD), the PEM text, and the SHA-256 of the DER in lowercase hex.
std::string SubjectOf(X509* cert);
std::string NotAfterOf(X509* cert);
std::string PemOf(X509* cert);
std::string FingerprintOf(X509* cert);

// Verifies `files` (EF.SOD and the data groups read) against `trust`, with certificate validity
// judged at `now`. A DS certificate that a CRL of its CSCA in `trust` lists is not genuine,
// "document signer revoked on YYYY-MM-DD"; a CRL past its next update still counts (a node far
// from any network cannot always fetch the next one; what it revokes stays revoked).
Verdict VerifyPassive(const CardFiles& files, const TrustStore& trust, std::time_t now);

}  // namespace dancu::devices::card
