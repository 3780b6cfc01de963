#include "node/certificates.h"

#include <capnp/message.h>

#include <algorithm>
#include <functional>

#include "node/role.h"
#include "storage/canonical.h"

namespace dancu::node {

namespace {

using storage::Canonicalize;
using storage::Parsed;

constexpr uint64_t kDayMs = 24ull * 3600 * 1000;
constexpr std::string_view kDomain = "dancu/cert/v1";

kj::ArrayPtr<const kj::byte> Bytes(const std::array<uint8_t, 32>& a) { return kj::arrayPtr(a.data(), a.size()); }

void Describe(const NodeConfig& config, schema::NodeDescription::Builder out) {
  out.setNodeId(config.node_id);
  out.setRole(config.role);
  out.setUnit(config.unit);
  out.setSigningKey(Bytes(config.signing_key));
  out.setCurveKey(Bytes(config.curve_key));
}

// The bytes the issuer signs: domain || canonical(CertificateBody).
std::string SignedBytes(schema::Certificate::Reader cert) {
  capnp::MallocMessageBuilder message;
  auto body = message.initRoot<schema::CertificateBody>();
  body.setSubject(cert.getSubject());
  body.setIssuerId(cert.getIssuerId());
  body.setValidFrom(cert.getValidFrom());
  body.setValidUntil(cert.getValidUntil());
  return std::string(kDomain) + Canonicalize(body.asReader());
}

void Sign(schema::Certificate::Builder cert, const storage::SigningKey& key) {
  storage::Signature sig = key.Sign(SignedBytes(cert.asReader()));
  cert.setSignature(kj::arrayPtr(sig.data(), sig.size()));
}

Result<storage::PublicKey> KeyOf(schema::NodeDescription::Reader d) {
  auto data = d.getSigningKey();
  if (data.size() != 32) return Status::Corruption("signing key is not 32 bytes");
  storage::PublicKey key;
  std::copy(data.begin(), data.end(), key.begin());
  if (storage::NodeIdFromKey(key) != d.getNodeId()) {
    return Status::Corruption("node id does not match its signing key");
  }
  if (d.getCurveKey().size() != 32) return Status::Corruption("curve key is not 32 bytes");
  return key;
}

// A chain of the parent's certificates (none for the root) followed by one that `fill` writes.
std::string ChainWith(schema::CertificateChain::Reader* parent,
                      const std::function<void(schema::Certificate::Builder)>& fill) {
  capnp::MallocMessageBuilder message;
  auto chain = message.initRoot<schema::CertificateChain>();
  unsigned above = parent ? parent->getCertificates().size() : 0;
  auto certs = chain.initCertificates(above + 1);
  for (unsigned i = 0; i < above; ++i) certs.setWithCaveats(i, parent->getCertificates()[i]);
  fill(certs[above]);
  return Canonicalize(chain.asReader());
}

}  // namespace

std::string MakeCertificateRequest(const NodeConfig& config) {
  capnp::MallocMessageBuilder message;
  Describe(config, message.initRoot<schema::NodeDescription>());
  return Canonicalize(message.getRoot<schema::NodeDescription>().asReader());
}

std::string MakeRootChain(const NodeConfig& central, const NodeSecrets& secrets, uint64_t now_ms,
                          uint64_t valid_days) {
  return ChainWith(nullptr, [&](schema::Certificate::Builder cert) {
    Describe(central, cert.initSubject());
    cert.setIssuerId(central.node_id);
    cert.setValidFrom(now_ms);
    cert.setValidUntil(now_ms + valid_days * kDayMs);
    Sign(cert, secrets.signing);
  });
}

Result<std::string> IssueCertificate(const NodeConfig& parent, const NodeSecrets& parent_secrets,
                                     std::string_view parent_chain, std::string_view request,
                                     uint64_t now_ms, uint64_t valid_days) {
  auto chain = Parsed<schema::CertificateChain>::Parse(parent_chain, "parent certificate chain");
  if (!chain.ok()) return chain.status();
  auto child = Parsed<schema::NodeDescription>::Parse(request, "certificate request");
  if (!child.ok()) return child.status();
  auto child_key = KeyOf(child->get());
  if (!child_key.ok()) return child_key.status().WithContext("certificate request");
  if (!MayCertify(parent.role, child->get().getRole())) {
    return Status::InvalidArgument("a " + RoleName(parent.role) + " node may not certify a " +
                                   RoleName(child->get().getRole()) + " node");
  }
  auto parent_reader = chain->get();
  return ChainWith(&parent_reader, [&](schema::Certificate::Builder cert) {
    cert.setSubject(child->get());
    cert.setIssuerId(parent.node_id);
    cert.setValidFrom(now_ms);
    cert.setValidUntil(now_ms + valid_days * kDayMs);
    Sign(cert, parent_secrets.signing);
  });
}

namespace {

Result<VerifiedChain> VerifyLinks(std::string_view bytes, const std::optional<storage::PublicKey>& pinned_root,
                                  uint64_t now_ms) {
  auto chain = Parsed<schema::CertificateChain>::Parse(bytes, "certificate chain");
  if (!chain.ok()) return chain.status();
  auto certs = chain->get().getCertificates();
  if (certs.size() == 0 || certs.size() > 8) {
    return Status::Corruption("certificate chain must hold 1 to 8 certificates");
  }
  VerifiedChain out;
  storage::PublicKey issuer_key{};
  uint64_t issuer_id = 0;
  schema::Role issuer_role = schema::Role::CENTRAL;
  for (unsigned i = 0; i < certs.size(); ++i) {
    auto cert = certs[i];
    std::string where = "certificate " + std::to_string(i + 1) + " of " + std::to_string(certs.size());
    auto subject_key = KeyOf(cert.getSubject());
    if (!subject_key.ok()) return subject_key.status().WithContext(where);
    if (i == 0) {
      if (cert.getSubject().getRole() != schema::Role::CENTRAL || cert.getIssuerId() != cert.getSubject().getNodeId()) {
        return Status::Corruption(where + ": the root must be central's self-signed certificate");
      }
      if (pinned_root && *pinned_root != *subject_key) {
        return Status::Corruption(where + ": root key differs from the pinned root");
      }
      issuer_key = *subject_key;
      issuer_id = cert.getSubject().getNodeId();
      out.root_key = *subject_key;
    } else if (!MayCertify(issuer_role, cert.getSubject().getRole())) {
      return Status::Corruption(where + ": a " + RoleName(issuer_role) + " may not certify a " +
                                RoleName(cert.getSubject().getRole()));
    }
    if (cert.getIssuerId() != issuer_id) return Status::Corruption(where + ": issuer is not the certificate above");
    auto sig = cert.getSignature();
    storage::Signature signature;
    if (sig.size() != signature.size()) return Status::Corruption(where + ": signature is not 64 bytes");
    std::copy(sig.begin(), sig.end(), signature.begin());
    if (!storage::VerifySignature(issuer_key, SignedBytes(cert), signature)) {
      return Status::Corruption(where + ": signature does not verify");
    }
    if (now_ms < cert.getValidFrom() || now_ms > cert.getValidUntil()) {
      return Status::Corruption(where + ": not valid at this time");
    }
    issuer_key = *subject_key;
    issuer_id = cert.getSubject().getNodeId();
    issuer_role = cert.getSubject().getRole();
    out.lineage.push_back(issuer_id);
    out.leaf_unit = cert.getSubject().getUnit().cStr();
    auto curve = cert.getSubject().getCurveKey();
    if (curve.size() != out.leaf_curve_key.size()) return Status::Corruption(where + ": curve key is not 32 bytes");
    std::copy(curve.begin(), curve.end(), out.leaf_curve_key.begin());
  }
  out.leaf_role = issuer_role;
  out.leaf_node_id = issuer_id;
  out.leaf_signing_key = issuer_key;
  out.length = certs.size();
  return out;
}

}  // namespace

Result<VerifiedChain> VerifyChain(std::string_view bytes, const std::optional<storage::PublicKey>& pinned_root,
                                  uint64_t now_ms) {
  // Canonical bytes may still hold a field of the wrong kind (a Text without its NUL, a list
  // where a struct belongs): Cap'n Proto throws when it is read.
  try {
    return VerifyLinks(bytes, pinned_root, now_ms);
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("certificate chain: ") + e.getDescription().cStr());
  }
}

}  // namespace dancu::node
