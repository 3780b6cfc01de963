#include "devices/card/lds.h"

#include <algorithm>
#include <stdexcept>

#include "devices/card/tlv.h"

namespace dancu::devices::card {

namespace {

constexpr std::uint32_t kTagMrz = 0x5F1F;
constexpr std::uint32_t kTagBiometricTemplateGroup = 0x7F61;
constexpr std::uint32_t kTagBiometricTemplate = 0x7F60;
constexpr std::uint32_t kTagBiometricData = 0x5F2E;
constexpr std::uint32_t kTagBiometricDataConstructed = 0x7F2E;

Error Unsupported(const std::string& what) { return Error(ErrorCode::kUnsupportedCard, what); }

std::span<const std::uint8_t> Span(const Bytes& b) { return std::span<const std::uint8_t>(b); }

}  // namespace

Bytes& CardFiles::Of(const LdsFile& file) {
  return const_cast<Bytes&>(static_cast<const CardFiles*>(this)->Of(file));
}

const Bytes& CardFiles::Of(const LdsFile& file) const {
  switch (file.fid) {
    case kEfCom.fid: return com;
    case kEfSod.fid: return sod;
    case kDg1.fid: return dg1;
    case kDg2.fid: return dg2;
    case kDg13.fid: return dg13;
  }
  throw std::invalid_argument("not a file dancu reads");
}

Result<std::string> ParseDg1(const Bytes& dg1) {
  Result<Tlv> outer = ReadTlv(Span(dg1));
  if (!outer.ok() || outer.value().tag != kDg1.tag) return Unsupported("DG1 is malformed");
  Result<Tlv> mrz = FindTlv(outer.value().value, kTagMrz);
  if (!mrz.ok()) return Unsupported("DG1 holds no MRZ");
  return std::string(mrz.value().value.begin(), mrz.value().value.end());
}

Result<FaceImage> ParseDg2(const Bytes& dg2) {
  Result<Tlv> outer = ReadTlv(Span(dg2));
  if (!outer.ok() || outer.value().tag != kDg2.tag) return Unsupported("DG2 is malformed");
  Result<Tlv> group = FindTlv(outer.value().value, kTagBiometricTemplateGroup);
  if (!group.ok()) return Unsupported("DG2 holds no biometric template group");
  Result<Tlv> templ = FindTlv(group.value().value, kTagBiometricTemplate);
  if (!templ.ok()) return Unsupported("DG2 holds no biometric template");
  Result<Tlv> data = FindTlv(templ.value().value, kTagBiometricData);
  if (!data.ok()) data = FindTlv(templ.value().value, kTagBiometricDataConstructed);
  if (!data.ok()) return Unsupported("DG2 holds no face image");
  std::span<const std::uint8_t> block = data.value().value;
  // The image follows the record's headers; find it by its signature.
  static const Bytes kJpeg = {0xFF, 0xD8, 0xFF};
  static const Bytes kJp2 = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20};
  static const Bytes kJ2k = {0xFF, 0x4F, 0xFF, 0x51};
  for (const auto& [magic, mime] : {std::pair{&kJpeg, "image/jpeg"}, std::pair{&kJp2, "image/jp2"},
                                    std::pair{&kJ2k, "image/jp2"}}) {
    auto at = std::search(block.begin(), block.end(), magic->begin(), magic->end());
    if (at != block.end()) return FaceImage{mime, Bytes(at, block.end())};
  }
  return Unsupported("DG2's face image is neither JPEG nor JPEG 2000");
}

Bytes EncodeCom(const std::vector<std::uint8_t>& tags_present) {
  Bytes lds_version = ToBytes("0107");
  Bytes unicode_version = ToBytes("040000");
  Bytes content = EncodeTlv(0x5F01, lds_version);
  Bytes unicode = EncodeTlv(0x5F36, unicode_version);
  Bytes tags = EncodeTlv(0x5C, tags_present);
  return EncodeTlv(kEfCom.tag, Concat({&content, &unicode, &tags}));
}

Bytes EncodeDg1(const std::string& mrz) {
  return EncodeTlv(kDg1.tag, EncodeTlv(kTagMrz, ToBytes(mrz)));
}

Bytes EncodeDg2(const Bytes& jpeg) {
  // ISO/IEC 19794-5 facial record: "FAC\0", version "010\0", record length, one face, then a
  // 20-byte facial information block and a 12-byte image information block, then the image.
  Bytes record = {'F', 'A', 'C', 0, '0', '1', '0', 0};
  std::uint32_t length = static_cast<std::uint32_t>(14 + 20 + 12 + jpeg.size());
  for (int shift = 24; shift >= 0; shift -= 8) record.push_back(static_cast<std::uint8_t>(length >> shift));
  record.insert(record.end(), {0x00, 0x01});
  record.resize(record.size() + 20 + 12, 0);
  record.insert(record.end(), jpeg.begin(), jpeg.end());
  Bytes header = EncodeTlv(0xA1, EncodeTlv(0x80, Bytes{0x01, 0x01}));
  Bytes data = EncodeTlv(kTagBiometricData, record);
  Bytes templ = EncodeTlv(kTagBiometricTemplate, Concat({&header, &data}));
  Bytes count = EncodeTlv(0x02, Bytes{0x01});
  return EncodeTlv(kDg2.tag, EncodeTlv(kTagBiometricTemplateGroup, Concat({&count, &templ})));
}

}  // namespace dancu::devices::card
