#include "devices/card/passive_auth.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <iterator>
#include <map>
#include <optional>

#include "devices/card/asn1_text.h"
#include "devices/card/tlv.h"

namespace dancu::devices::card {

namespace {

constexpr char kLdsSecurityObjectOid[] = "2.23.136.1.1.1";

using Span = std::span<const std::uint8_t>;

Verdict NotGenuine(std::string reason, std::string signer = {}) {
  return {Authenticity::kNotGenuine, std::move(reason), std::move(signer)};
}

}  // namespace

std::string SubjectOf(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  return MemoryText(bio.get());
}

namespace {

// The LDSSecurityObject: the hash algorithm and each data group's hash.
struct SecurityObject {
  const EVP_MD* digest = nullptr;
  std::map<int, Bytes> hashes;
};

std::optional<SecurityObject> ParseSecurityObject(const Bytes& der) {
  Result<Tlv> outer = ReadTlv(Span(der));
  if (!outer.ok() || outer.value().tag != 0x30) return std::nullopt;
  Span rest = outer.value().value;
  Result<Tlv> version = ReadTlv(rest);
  if (!version.ok() || version.value().tag != 0x02) return std::nullopt;
  rest = rest.subspan(version.value().size);
  Result<Tlv> algorithm = ReadTlv(rest);
  if (!algorithm.ok() || algorithm.value().tag != 0x30) return std::nullopt;
  rest = rest.subspan(algorithm.value().size);
  Result<Tlv> oid = ReadTlv(algorithm.value().value);
  if (!oid.ok() || oid.value().tag != 0x06) return std::nullopt;
  const unsigned char* p = algorithm.value().value.data();
  ASN1_OBJECT* obj = d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(oid.value().size));
  SecurityObject so;
  so.digest = obj ? EVP_get_digestbyobj(obj) : nullptr;
  ASN1_OBJECT_free(obj);
  if (!so.digest) return std::nullopt;
  Result<Tlv> list = ReadTlv(rest);
  if (!list.ok() || list.value().tag != 0x30) return std::nullopt;
  for (Span items = list.value().value; !items.empty();) {
    Result<Tlv> item = ReadTlv(items);
    if (!item.ok() || item.value().tag != 0x30) return std::nullopt;
    items = items.subspan(item.value().size);
    Result<Tlv> number = ReadTlv(item.value().value);
    if (!number.ok() || number.value().tag != 0x02 || number.value().value.size() != 1) {
      return std::nullopt;
    }
    Result<Tlv> hash = ReadTlv(item.value().value.subspan(number.value().size));
    if (!hash.ok() || hash.value().tag != 0x04) return std::nullopt;
    so.hashes[number.value().value[0]] = Bytes(hash.value().value.begin(), hash.value().value.end());
  }
  return so;
}

Bytes Digest(const EVP_MD* md, const Bytes& data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, md, nullptr);
  out.resize(n);
  return out;
}

// A CRL past its next update (or not yet valid at `now`) still revokes what it lists: a commune
// far from any network cannot always have the latest.
int KeepStaleCrls(int ok, X509_STORE_CTX* ctx) {
  const int error = X509_STORE_CTX_get_error(ctx);
  if (!ok && (error == X509_V_ERR_CRL_HAS_EXPIRED || error == X509_V_ERR_CRL_NOT_YET_VALID)) return 1;
  return ok;
}

// The chain from the DS certificate to an installed CSCA at `now`: nullopt when it holds, else
// the verdict.
std::optional<Verdict> CheckChain(X509* ds, const TrustStore& trust, std::time_t now,
                                  const std::string& signer) {
  StorePtr store(X509_STORE_new());
  for (const X509Ptr& csca : trust.cscas()) X509_STORE_add_cert(store.get(), csca.get());
  // The DS certificate is checked against its CSCA's CRLs when the node holds one.
  bool crl_known = false;
  for (const CrlPtr& crl : trust.crls()) {
    X509_STORE_add_crl(store.get(), crl.get());
    crl_known |= X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_issuer_name(ds)) == 0;
  }
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_CTX_init(ctx.get(), store.get(), ds, nullptr) != 1) {
    return NotGenuine("the certificate chain could not be checked", signer);
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, now);
  if (crl_known) {
    X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_CRL_CHECK);
    X509_STORE_CTX_set_verify_cb(ctx.get(), KeepStaleCrls);
  }
  if (X509_verify_cert(ctx.get()) == 1) return std::nullopt;
  int error = X509_STORE_CTX_get_error(ctx.get());
  int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  X509* at = X509_STORE_CTX_get_current_cert(ctx.get());
  const char* who = depth == 0 ? "the Document Signer certificate" : "the CSCA certificate";
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return Verdict{Authenticity::kUnknownSigner,
                     "the document is signed under a country signing CA (CSCA) this node does "
                     "not trust",
                     signer};
    case X509_V_ERR_CERT_REVOKED:
      for (const CrlPtr& crl : trust.crls()) {
        if (std::optional<std::string> on = RevocationDate(crl.get(), at)) {
          return NotGenuine("document signer revoked on " + *on, signer);
        }
      }
      return NotGenuine("document signer revoked", signer);
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return NotGenuine(std::string(who) + " expired on " + DateText(X509_get0_notAfter(at)), signer);
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return NotGenuine(std::string(who) + " is not valid before " + DateText(X509_get0_notBefore(at)),
                        signer);
    default:
      return NotGenuine(std::string(who) + " fails verification: " +
                            X509_verify_cert_error_string(error),
                        signer);
  }
}

Result<Bytes> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kInvalidArgument, "cannot read " + path.string());
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

std::string_view Name(Authenticity a) {
  switch (a) {
    case Authenticity::kGenuine: return "genuine";
    case Authenticity::kNotGenuine: return "not genuine";
    case Authenticity::kUnknownSigner: return "unknown signer";
  }
  return "not genuine";
}

Result<X509Ptr> ParseCertificate(const Bytes& bytes) {
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    const unsigned char* p = bytes.data();
    cert.reset(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
  }
  if (!cert) return Error(ErrorCode::kInvalidArgument, "not an X.509 certificate (PEM or DER)");
  return cert;
}

bool IsCaCertificate(X509* cert) { return X509_check_ca(cert) >= 1; }

std::string NotAfterOf(X509* cert) { return DateText(X509_get0_notAfter(cert)); }

std::string PemOf(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return MemoryText(bio.get());
}

std::string FingerprintOf(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert, EVP_sha256(), md, &n);
  return LowerHex(md, n);
}

Result<TrustStore> TrustStore::LoadDirectory(const std::filesystem::path& dir) {
  TrustStore store;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return store;
  // Certificates first, so that each CRL finds the CSCA that issued it.
  std::vector<std::pair<std::filesystem::path, CrlPtr>> crls;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string ext = entry.path().extension().string();
    if (ext != ".pem" && ext != ".crt" && ext != ".cer" && ext != ".der" && ext != ".crl") continue;
    const std::string name = entry.path().string();
    Result<Bytes> bytes = ReadFile(entry.path());
    if (!bytes.ok()) return bytes.error();
    Result<X509Ptr> cert = ParseCertificate(bytes.value());
    if (cert.ok()) {
      Result<void> added = store.Add(std::move(cert).value());
      if (!added.ok()) return Error(ErrorCode::kInvalidArgument, name + ": " + added.error().message());
      continue;
    }
    Result<CrlPtr> crl = ParseCrl(bytes.value());
    if (!crl.ok()) {
      return Error(ErrorCode::kInvalidArgument, name + ": neither an X.509 certificate nor a CRL (PEM or DER)");
    }
    crls.emplace_back(entry.path(), std::move(crl).value());
  }
  for (auto& [path, crl] : crls) {
    Result<void> added = store.AddCrl(std::move(crl));
    if (!added.ok()) return Error(ErrorCode::kInvalidArgument, path.string() + ": " + added.error().message());
  }
  return store;
}

Result<void> TrustStore::AddCrl(CrlPtr crl) {
  for (const X509Ptr& csca : cscas_) {
    if (IssuedBy(crl.get(), csca.get())) {
      crls_.push_back(std::move(crl));
      return {};
    }
  }
  return Error(ErrorCode::kInvalidArgument, "the CRL of " + IssuerOf(crl.get()) +
                                                " is not signed by a trusted CSCA (install its CSCA first)");
}

Result<void> TrustStore::Add(X509Ptr cert) {
  if (!IsCaCertificate(cert.get())) {
    return Error(ErrorCode::kInvalidArgument, "not a CA certificate, so it cannot be a CSCA");
  }
  cscas_.push_back(std::move(cert));
  return {};
}

Verdict VerifyPassive(const CardFiles& files, const TrustStore& trust, std::time_t now) {
  Result<Tlv> wrapper = ReadTlv(Span(files.sod));
  if (!wrapper.ok() || wrapper.value().tag != kEfSod.tag) return NotGenuine("EF.SOD is malformed");
  const unsigned char* p = wrapper.value().value.data();
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(wrapper.value().value.size())));
  if (!cms) return NotGenuine("EF.SOD is not a CMS SignedData");
  char oid[64] = {};
  OBJ_obj2txt(oid, sizeof oid, CMS_get0_eContentType(cms.get()), 1);
  if (std::string(oid) != kLdsSecurityObjectOid) {
    return NotGenuine("EF.SOD does not sign an LDS security object");
  }

  // 1. The signature, under the DS certificate the SOD carries.
  BioPtr content(BIO_new(BIO_s_mem()));
  if (CMS_verify(cms.get(), nullptr, nullptr, nullptr, content.get(),
                 CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
    return NotGenuine("the signature of EF.SOD does not verify");
  }
  STACK_OF(X509)* signers = CMS_get0_signers(cms.get());
  if (!signers || sk_X509_num(signers) != 1) {
    sk_X509_free(signers);
    return NotGenuine("EF.SOD must have exactly one signer");
  }
  X509Ptr ds = Share(sk_X509_value(signers, 0));
  sk_X509_free(signers);
  std::string signer = SubjectOf(ds.get());

  // 2. Each data group read against its hash.
  char* data = nullptr;
  long n = BIO_get_mem_data(content.get(), &data);
  std::optional<SecurityObject> so =
      ParseSecurityObject(Bytes(data, data + n));
  if (!so) return NotGenuine("the LDS security object in EF.SOD is malformed", signer);
  for (const LdsFile& file : kReadFiles) {
    if (file.data_group == 0 || files.Of(file).empty()) continue;
    std::string dg = "DG" + std::to_string(file.data_group);
    auto listed = so->hashes.find(file.data_group);
    if (listed == so->hashes.end()) return NotGenuine(dg + " is not listed in EF.SOD", signer);
    if (Digest(so->digest, files.Of(file)) != listed->second) {
      return NotGenuine(dg + " does not match its hash in EF.SOD: the data was altered", signer);
    }
  }

  // 3. The DS certificate up to an installed CSCA.
  if (std::optional<Verdict> chain = CheckChain(ds.get(), trust, now, signer)) return *chain;
  return {Authenticity::kGenuine, "", signer};
}

}  // namespace dancu::devices::card
