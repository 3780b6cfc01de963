// Certificate revocation lists (CRLs) of the country signing CAs: parsed, described, and checked
// against the CSCA that issued them. The TrustStore (passive_auth.h) keeps them; passive
// authentication refuses a Document Signer certificate that one lists.
// Thread-safe: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "devices/card/bytes.h"
#include "devices/card/openssl_ptr.h"
#include "devices/result.h"

namespace dancu::devices::card {

// Reads one CRL, PEM or DER. kInvalidArgument if the bytes hold none.
Result<CrlPtr> ParseCrl(const Bytes& pem_or_der);

// Whether `csca` issued `crl`: the CRL's issuer is the certificate's subject and its signature
// verifies under the certificate's key.
bool IssuedBy(X509_CRL* crl, X509* csca);

// The date (YYYY-MM-DD) on which `crl` revoked `cert`, or nullopt when it does not list it.
std::optional<std::string> RevocationDate(X509_CRL* crl, X509* cert);

// For showing and storing CRLs: the issuer (RFC 2253), the next update (YYYY-MM-DD, or "" when it
// has none), how many certificates it revokes, the PEM text, the SHA-256 of the DER in hex.
std::string IssuerOf(X509_CRL* crl);
std::string NextUpdateOf(X509_CRL* crl);
std::size_t RevokedCount(X509_CRL* crl);
std::string PemOf(X509_CRL* crl);
std::string FingerprintOf(X509_CRL* crl);

}  // namespace dancu::devices::card
