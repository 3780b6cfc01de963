#include "devices/card/card_issuer.h"

#include <openssl/objects.h>

#include "devices/card/icao_crypto.h"
#include "devices/card/tlv.h"

namespace dancu::devices::card {

namespace {

// SHA-256's AlgorithmIdentifier, 2.16.840.1.101.3.4.2.1.
const Bytes kSha256Oid = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};

bool IsDate(const std::string& iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (iso[i] < '0' || iso[i] > '9') return false;
  }
  return true;
}

std::string Yymmdd(const std::string& iso) { return iso.substr(2, 2) + iso.substr(5, 2) + iso.substr(8, 2); }

// The MRZ's 6 characters for an expiry given as YYYY-MM-DD or as the MRZ field itself; "" if neither.
std::string MrzExpiry(const std::string& expiry) {
  if (IsDate(expiry)) return Yymmdd(expiry);
  const bool field = expiry.size() == 6 && expiry.find_first_not_of("0123456789<") == std::string::npos;
  return field ? expiry : "";
}

Bytes Sha256(const Bytes& data) {
  Bytes out(32);
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr);
  return out;
}

std::string Padded(std::string s, std::size_t n) {
  s.resize(n, '<');
  return s;
}

// A TD1 MRZ (3 x 30 characters) for a Vietnamese card.
std::string Td1(const CardHolder& h) {
  std::string doc = h.data.citizen_no.substr(3);
  std::string line1 = Padded("IDVNM" + doc + MrzCheckDigit(doc) + h.data.citizen_no, 30);
  std::string birth = Yymmdd(h.birth_iso);
  std::string expiry = MrzExpiry(h.expiry);
  std::string sex = h.data.sex == "Nam" ? "M" : h.data.sex.empty() ? "<" : "F";
  std::string line2 = Padded(birth + MrzCheckDigit(birth) + sex + expiry + MrzCheckDigit(expiry) + "VNM", 29);
  line2 += MrzCheckDigit(line1.substr(5, 25) + line2.substr(0, 7) + line2.substr(8, 7) + line2.substr(18, 11));
  return line1 + line2 + Padded(h.mrz_name, 30);
}

}  // namespace

Result<std::string> CitizenCardMrzInformation(const std::string& citizen_no,
                                              const std::string& birth_iso,
                                              const std::string& expiry) {
  if (citizen_no.size() != 12 || citizen_no.find_first_not_of("0123456789") != std::string::npos) {
    return Error(ErrorCode::kInvalidArgument, "the citizen number must be 12 digits");
  }
  if (!IsDate(birth_iso)) return Error(ErrorCode::kInvalidArgument, "the birth date must be YYYY-MM-DD");
  const std::string mrz_expiry = MrzExpiry(expiry);
  if (mrz_expiry.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "the expiry must be YYYY-MM-DD, or the 6 characters of the MRZ's expiry field for a card "
                 "without expiry (e.g. <<<<<<)");
  }
  return MrzInformation(citizen_no.substr(3), Yymmdd(birth_iso), mrz_expiry);
}

Result<Bytes> SignSecurityObject(const CardFiles& files, const DocumentSigner& signer) {
  Bytes hashes;
  for (const LdsFile& file : kReadFiles) {
    if (file.data_group == 0 || files.Of(file).empty()) continue;
    Bytes number = EncodeTlv(0x02, Bytes{static_cast<std::uint8_t>(file.data_group)});
    Bytes hash = EncodeTlv(0x04, Sha256(files.Of(file)));
    Bytes item = EncodeTlv(0x30, Concat({&number, &hash}));
    hashes.insert(hashes.end(), item.begin(), item.end());
  }
  Bytes version = EncodeTlv(0x02, Bytes{0x00});
  Bytes algorithm = EncodeTlv(0x30, kSha256Oid);
  Bytes list = EncodeTlv(0x30, hashes);
  Bytes lds_security_object = EncodeTlv(0x30, Concat({&version, &algorithm, &list}));

  BioPtr in(BIO_new_mem_buf(lds_security_object.data(), static_cast<int>(lds_security_object.size())));
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_BINARY | CMS_PARTIAL));
  ASN1_OBJECT* type = OBJ_txt2obj("2.23.136.1.1.1", 1);
  bool ok = cms && type && CMS_set1_eContentType(cms.get(), type) == 1 &&
            CMS_add1_signer(cms.get(), signer.cert, signer.key, EVP_sha256(),
                            CMS_BINARY | CMS_NOSMIMECAP) != nullptr &&
            CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY) == 1;
  ASN1_OBJECT_free(type);
  if (!ok) return Error(ErrorCode::kDeviceFailed, "OpenSSL could not sign the security object");
  unsigned char* der = nullptr;
  int n = i2d_CMS_ContentInfo(cms.get(), &der);
  if (n <= 0) return Error(ErrorCode::kDeviceFailed, "OpenSSL could not encode the SOD");
  Bytes sod = EncodeTlv(kEfSod.tag, std::span<const std::uint8_t>(der, static_cast<std::size_t>(n)));
  OPENSSL_free(der);
  return sod;
}

Result<CardContent> IssueCard(const CardHolder& holder, const DocumentSigner& signer) {
  Result<std::string> mrz_information =
      CitizenCardMrzInformation(holder.data.citizen_no, holder.birth_iso, holder.expiry);
  if (!mrz_information.ok()) return mrz_information.error();
  CardContent card;
  card.mrz_information = mrz_information.value();
  card.files.com = EncodeCom({kDg1.tag, kDg2.tag, kDg13.tag});
  card.files.dg1 = EncodeDg1(Td1(holder));
  card.files.dg2 = EncodeDg2(holder.face_jpeg);
  card.files.dg13 = EncodeDg13(holder.data);
  Result<Bytes> sod = SignSecurityObject(card.files, signer);
  if (!sod.ok()) return sod.error();
  card.files.sod = std::move(sod).value();
  return card;
}

}  // namespace dancu::devices::card
