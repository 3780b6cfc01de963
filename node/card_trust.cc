#include "node/card_trust.h"

#include <filesystem>

#include "node/files.h"
#include "node/node.h"

namespace dancu::node {

namespace card = devices::card;

namespace {

// Writes `pem` to `installed.path` unless it is there already.
Result<InstalledTrust> Keep(const std::string& data_dir, InstalledTrust installed, const std::string& pem) {
  std::error_code ec;
  installed.already = std::filesystem::exists(installed.path, ec);
  if (installed.already) return installed;
  std::filesystem::create_directories(CardTrustDir(data_dir), ec);
  if (ec) return Status::IOError("cannot create " + CardTrustDir(data_dir) + ": " + ec.message());
  Status written = WriteFileAtomically(installed.path, pem);
  if (!written.ok()) return written;
  return installed;
}

Result<InstalledTrust> InstallCrl(const std::string& data_dir, card::CrlPtr crl) {
  auto trust = LoadCardTrust(CardTrustDir(data_dir));
  if (!trust.ok()) return trust.status();
  X509_CRL* c = crl.get();
  InstalledTrust installed{true, CardTrustDir(data_dir) + "/" + card::FingerprintOf(c) + ".crl", card::IssuerOf(c),
                           card::NextUpdateOf(c), card::RevokedCount(c), false};
  const std::string pem = card::PemOf(c);
  auto added = trust->AddCrl(std::move(crl));
  if (!added.ok()) return Status::InvalidArgument(added.error().message());
  return Keep(data_dir, std::move(installed), pem);
}

}  // namespace

std::string CardTrustDir(const std::string& data_dir) { return data_dir + "/card-trust"; }

Result<InstalledTrust> InstallCardTrust(const std::string& data_dir, const std::string& bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(Node::ConfigPath(data_dir), ec)) {
    return Status::FailedPrecondition(data_dir + " holds no node (run dancu init)");
  }
  const card::Bytes raw(bytes.begin(), bytes.end());
  auto cert = card::ParseCertificate(raw);
  if (!cert.ok()) {
    auto crl = card::ParseCrl(raw);
    if (!crl.ok()) return Status::InvalidArgument("neither an X.509 certificate nor a CRL (PEM or DER)");
    return InstallCrl(data_dir, std::move(crl).value());
  }
  X509* x = cert.value().get();
  if (!card::IsCaCertificate(x)) return Status::InvalidArgument("not a CA certificate, so it cannot be a CSCA");
  return Keep(data_dir,
              {false, CardTrustDir(data_dir) + "/" + card::FingerprintOf(x) + ".pem", card::SubjectOf(x),
               card::NotAfterOf(x), 0, false},
              card::PemOf(x));
}

Result<card::TrustStore> LoadCardTrust(const std::string& dir) {
  auto store = card::TrustStore::LoadDirectory(dir);
  if (!store.ok()) return Status::InvalidArgument(store.error().message());
  return std::move(store).value();
}

}  // namespace dancu::node
