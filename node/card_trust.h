// The country signing CA certificates (CSCAs) a node trusts for chip citizen-ID cards: the PEM
// files in DATA/card-trust/, one per certificate, named by its SHA-256. The operator installs
// them (`dancu card trust add`); passive authentication (devices/card/passive_auth.h) decides
// with them. Thread-safe; the directory is read at each call.
#pragma once

#include <string>

#include "devices/card/passive_auth.h"
#include "storage/status.h"

namespace dancu::node {

std::string CardTrustDir(const std::string& data_dir);

struct InstalledCsca {
  std::string path;
  std::string subject;
  std::string not_after;  // YYYY-MM-DD
  bool already = false;   // it was installed before
};

// Installs the CSCA certificate in `bytes` (PEM or DER) on the node at `data_dir`.
// InvalidArgument unless it is a CA certificate; FailedPrecondition if `data_dir` holds no node.
Result<InstalledCsca> InstallCsca(const std::string& data_dir, const std::string& bytes);

// The CSCAs in `dir` (a node's CardTrustDir or an operator's own folder). InvalidArgument naming
// a file that is not a CA certificate.
Result<devices::card::TrustStore> LoadCardTrust(const std::string& dir);

}  // namespace dancu::node
