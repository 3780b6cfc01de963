#include "tests/devices/card_pki.h"

#include <openssl/x509v3.h>

#include <catch2/catch.hpp>

namespace dancu::devices::card::testing {

namespace {

PkeyPtr NewKey() { return PkeyPtr(EVP_EC_gen("P-256")); }

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  REQUIRE(ext != nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509Ptr Certificate(const std::string& subject, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                    long from_days, long to_days, bool ca) {
  X509Ptr cert(X509_new());
  static long serial = 1;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("VN"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(subject.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), to_days * 86400);
  X509_set_pubkey(cert.get(), key);
  X509* signer = issuer ? issuer : cert.get();
  if (ca) {
    AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    AddExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
  }
  AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer) AddExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  REQUIRE(X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0);
  return cert;
}

}  // namespace

TestPki MakePki(const PkiOptions& options) {
  TestPki pki;
  pki.csca_key = NewKey();
  pki.csca = Certificate(options.country_name, pki.csca_key.get(), nullptr, pki.csca_key.get(),
                         -30, 3650, true);
  pki.ds_key = NewKey();
  pki.ds = Certificate("Test Document Signer", pki.ds_key.get(), pki.csca.get(),
                       pki.csca_key.get(), options.expired_signer ? -20 : -1,
                       options.expired_signer ? -1 : 365, false);
  return pki;
}

CardHolder SampleHolder(std::size_t face_bytes) {
  CardHolder h;
  h.data.citizen_no = "001085012345";
  h.data.full_name = "Nguyễn Văn An";
  h.data.birth_date = "07/03/1985";
  h.data.sex = "Nam";
  h.data.nationality = "Việt Nam";
  h.data.ethnicity = "Kinh";
  h.data.religion = "Không";
  h.data.hometown = "Phường Ba Đình, Thành phố Hà Nội";
  h.data.permanent_residence = "Số 1 Phúc Xá, Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội";
  h.data.identifying_marks = "Nốt ruồi C:1cm trên mép phải";
  h.data.issue_date = "10/05/2021";
  h.data.expiry = "07/03/2030";
  h.data.father = "Nguyễn Văn Bình";
  h.data.mother = "Trần Thị Cúc";
  h.data.spouse = "";
  h.data.old_id_no = "012345678";
  h.birth_iso = "1985-03-07";
  h.expiry_iso = "2030-03-07";
  h.mrz_name = "NGUYEN<<VAN<AN";
  h.face_jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00};
  while (h.face_jpeg.size() + 2 < face_bytes) {
    h.face_jpeg.push_back(static_cast<std::uint8_t>(h.face_jpeg.size() * 31 % 251));
  }
  h.face_jpeg.insert(h.face_jpeg.end(), {0xFF, 0xD9});
  return h;
}

CardContent IssueSample(const TestPki& pki, std::size_t face_bytes) {
  Result<CardContent> card = IssueCard(SampleHolder(face_bytes), pki.signer());
  REQUIRE(card.ok());
  return std::move(card).value();
}

}  // namespace dancu::devices::card::testing
