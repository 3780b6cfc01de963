// The parts of a resident that enrollment captures — the ten fingers and the photo — and where
// each one sits in the record's biometrics summary (storage/resident.capnp, Biometrics).
//
// Names come from the schema: the part's field in Biometrics gives its JSON key ("right_index",
// the key path of errors) and its command-line name ("right-index"). Pure functions over the
// compiled-in schema; thread-safe. Nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/resident.capnp.h"

namespace dancu::node {

// In the order of the Biometrics fields: finger position code (ISO/IEC 19794) minus one, then
// the photo.
enum class BiometricPart : uint8_t {
  kRightThumb,
  kRightIndex,
  kRightMiddle,
  kRightRing,
  kRightLittle,
  kLeftThumb,
  kLeftIndex,
  kLeftMiddle,
  kLeftRing,
  kLeftLittle,
  kPhoto,
};
inline constexpr unsigned kFingerCount = 10;

inline bool IsFinger(BiometricPart part) { return part != BiometricPart::kPhoto; }
inline BiometricPart FingerAt(unsigned index) { return static_cast<BiometricPart>(index); }

std::string PartJsonKey(BiometricPart part);  // "right_index", ..., "photo"
std::string PartName(BiometricPart part);     // "right-index", ..., "photo"

// The finger that `name` ("left-thumb", ...) names; nullopt for anything else, the photo included.
std::optional<BiometricPart> ParseFinger(std::string_view name);
// "right-thumb, right-index, ..., left-little": for usage and error messages.
std::string FingerNames();

// The summary entry of `finger` (not the photo).
schema::Finger::Reader FingerEntry(schema::Biometrics::Reader biometrics, BiometricPart finger);
// Replaces the summary entry of `finger` with an empty one, and returns it.
schema::Finger::Builder InitFingerEntry(schema::Biometrics::Builder biometrics,
                                        BiometricPart finger);

}  // namespace dancu::node
