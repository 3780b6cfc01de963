// What a node trusts for chip citizen-ID cards: the country signing CA certificates (CSCAs) and
// the certificate revocation lists (CRLs) they issued, as PEM files in DATA/card-trust/, one per
// object, named by the SHA-256 of its DER (".pem" a CSCA, ".crl" a CRL). The operator installs
// them (`dancu card trust add`); passive authentication (devices/card/passive_auth.h) decides with
// them. Thread-safe; the directory is read at each call.
#pragma once

#include <cstddef>
#include <string>

#include "devices/card/passive_auth.h"
#include "storage/status.h"

namespace dancu::node {

std::string CardTrustDir(const std::string& data_dir);

struct InstalledTrust {
  bool crl = false;       // a CRL; else a CSCA certificate
  std::string path;
  std::string subject;    // the CSCA's subject, or the CRL's issuer
  std::string until;      // YYYY-MM-DD: the CSCA's last valid day, or the CRL's next update ("" none)
  std::size_t revoked = 0;  // a CRL: how many certificates it revokes
  bool already = false;   // it was installed before
};

// Installs the CSCA certificate or the CRL in `bytes` (PEM or DER) on the node at `data_dir`.
// InvalidArgument unless it is a CA certificate, or a CRL signed by a CSCA the node trusts
// already; FailedPrecondition if `data_dir` holds no node; IOError if it cannot be written.
// Nothing is written on error.
Result<InstalledTrust> InstallCardTrust(const std::string& data_dir, const std::string& bytes);

// The CSCAs and CRLs in `dir` (a node's CardTrustDir or an operator's own folder).
// InvalidArgument naming a file that is neither a CA certificate nor a CRL of one.
Result<devices::card::TrustStore> LoadCardTrust(const std::string& dir);

}  // namespace dancu::node
