// The Logical Data Structure of an ICAO 9303 chip as a CCCD carries it: the eMRTD application,
// its elementary files, and the few data groups dancu reads (DG1 MRZ, DG2 face, DG13 Vietnam's
// personal data).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "devices/card/bytes.h"
#include "devices/result.h"

namespace dancu::devices::card {

// The eMRTD application identifier, A0 00 00 02 47 10 01.
inline const Bytes kMrtdAid = {0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};

struct LdsFile {
  std::uint16_t fid;   // elementary file identifier
  std::uint8_t tag;    // the tag its content starts with
  int data_group;      // 0 for EF.COM and EF.SOD
};

inline constexpr LdsFile kEfCom{0x011E, 0x60, 0};
inline constexpr LdsFile kEfSod{0x011D, 0x77, 0};
inline constexpr LdsFile kDg1{0x0101, 0x61, 1};
inline constexpr LdsFile kDg2{0x0102, 0x75, 2};
inline constexpr LdsFile kDg13{0x010D, 0x6D, 13};
// The files dancu reads, in the order it reads them.
inline constexpr std::array<LdsFile, 5> kReadFiles = {kEfCom, kEfSod, kDg1, kDg2, kDg13};

// The content of the files read from one card.
struct CardFiles {
  Bytes com;
  Bytes sod;
  Bytes dg1;
  Bytes dg2;
  Bytes dg13;

  // The content of `file`, one of kReadFiles (else std::invalid_argument).
  Bytes& Of(const LdsFile& file);
  const Bytes& Of(const LdsFile& file) const;
};

// The face image inside DG2 (ISO/IEC 19794-5 or ISO 39794-5 data in a biometric data block).
struct FaceImage {
  std::string mime_type;  // "image/jpeg" or "image/jp2"
  Bytes bytes;            // biometric data: never log it
};

// The MRZ text of DG1 (TD1: 90 characters). kUnsupportedCard if DG1 is malformed.
Result<std::string> ParseDg1(const Bytes& dg1);

// The JPEG or JPEG 2000 image in DG2's first biometric data block. kUnsupportedCard if there is
// none.
Result<FaceImage> ParseDg2(const Bytes& dg2);

// Builders for the software card and the tests: the data groups as a card issuer writes them.
Bytes EncodeCom(const std::vector<std::uint8_t>& tags_present);
Bytes EncodeDg1(const std::string& mrz);
// One face: a 19794-5 facial record header with one image of `jpeg` bytes.
Bytes EncodeDg2(const Bytes& jpeg);

}  // namespace dancu::devices::card
