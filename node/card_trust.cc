#include "node/card_trust.h"

#include <filesystem>

#include "node/files.h"
#include "node/node.h"

namespace dancu::node {

std::string CardTrustDir(const std::string& data_dir) { return data_dir + "/card-trust"; }

Result<InstalledCsca> InstallCsca(const std::string& data_dir, const std::string& bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(Node::ConfigPath(data_dir), ec)) {
    return Status::FailedPrecondition(data_dir + " holds no node (run dancu init)");
  }
  auto cert = devices::card::ParseCertificate(devices::card::Bytes(bytes.begin(), bytes.end()));
  if (!cert.ok()) return Status::InvalidArgument(cert.error().message());
  X509* x = cert.value().get();
  if (!devices::card::IsCaCertificate(x)) {
    return Status::InvalidArgument("not a CA certificate, so it cannot be a CSCA");
  }
  InstalledCsca installed{CardTrustDir(data_dir) + "/" + devices::card::FingerprintOf(x) + ".pem",
                          devices::card::SubjectOf(x), devices::card::NotAfterOf(x), false};
  installed.already = std::filesystem::exists(installed.path, ec);
  if (installed.already) return installed;
  std::filesystem::create_directories(CardTrustDir(data_dir), ec);
  if (ec) return Status::IOError("cannot create " + CardTrustDir(data_dir) + ": " + ec.message());
  Status written = WriteFileAtomically(installed.path, devices::card::PemOf(x));
  if (!written.ok()) return written;
  return installed;
}

Result<devices::card::TrustStore> LoadCardTrust(const std::string& dir) {
  auto store = devices::card::TrustStore::LoadDirectory(dir);
  if (!store.ok()) return Status::InvalidArgument(store.error().message());
  return std::move(store).value();
}

}  // namespace dancu::node
