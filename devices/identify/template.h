// dancu's own fingerprint template: the minutiae of one finger, versioned and serialised in a
// small binary format of our own, so that nothing after capture depends on libfprint's matcher.
//
// Coordinates are pixels of a 500 dpi image, origin at the top-left corner, x to the right, y
// down. A minutia's angle is in units of 2π/256 (0..255): angle a is the direction
// (cos(2πa/256), sin(2πa/256)) in those image coordinates, so rotating the image by φ adds φ to
// every angle. A template holds one or more views (impressions of the same finger taken at
// enrollment); the matcher compares every view and keeps the best.
//
// Wire format, version 1, little-endian:
//   "DNFT"  magic (4 bytes)
//   u8      version (1)
//   u16     width, u16 height        image size in pixels, 1..kMaxDimension
//   u8      view count               1..kMaxViews
//   per view:
//     u16   minutia count            0..kMaxMinutiae
//     count × { u16 x, u16 y, u8 angle, u8 type }   x < width, y < height, type 0..2
// Nothing may follow the last view. The format carries no checksum: templates are sealed
// (authenticated and encrypted) wherever they are stored or sent.
//
// Thread-safety: plain values; Parse and Serialize are pure functions.
// Errors: Parse never crashes on untrusted bytes and names the first problem (wrong magic or
// version, truncated, a count that lies, a coordinate or type out of range, trailing bytes).
// Cost: linear in the number of minutiae.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace dancu::identify {

// The identify library's own error type (it depends on nothing else of ours).
enum class ErrorCode {
  kBadMagic,        // not a dancu template
  kBadVersion,      // a template of a version this build does not read
  kTruncated,       // the bytes end inside a field
  kBadCount,        // a count out of range, or one the remaining bytes cannot hold
  kOutOfRange,      // a coordinate outside the image, or a size or type out of range
  kTrailingBytes,   // bytes after the last view
  kTooFewMinutiae,  // a capture with too few minutiae to enroll or to search with
  kInvalidArgument, // e.g. an empty or malformed probe
};

struct Error {
  ErrorCode code;
  std::string message;
};

// A value or an Error; value() and error() throw std::bad_variant_access on the wrong side.
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit
  bool ok() const { return state_.index() == 0; }
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(Error error) : state_(std::move(error)) {}  // NOLINT: implicit
  bool ok() const { return state_.index() == 0; }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<std::monostate, Error> state_;
};

enum class MinutiaType : uint8_t { kUnknown = 0, kEnding = 1, kBifurcation = 2 };

struct Minutia {
  uint16_t x = 0;
  uint16_t y = 0;
  uint8_t angle = 0;  // units of 2π/256
  MinutiaType type = MinutiaType::kUnknown;

  friend bool operator==(const Minutia&, const Minutia&) = default;
};

inline constexpr uint8_t kTemplateVersion = 1;
inline constexpr uint16_t kMaxDimension = 2048;  // pixels
inline constexpr size_t kMaxViews = 16;
inline constexpr size_t kMaxMinutiae = 255;  // per view; the matcher indexes minutiae with a byte

struct Template {
  uint16_t width = 0;
  uint16_t height = 0;
  std::vector<std::vector<Minutia>> views;

  size_t MinutiaCount() const;  // over all views
  friend bool operator==(const Template&, const Template&) = default;
};

// Checks the limits above (what Parse enforces). OK for a template Serialize may write.
Expected<void> Validate(const Template& t);

// The version-1 bytes of a valid template; an Error (from Validate) otherwise.
Expected<std::string> Serialize(const Template& t);

// Reads bytes from anywhere (a store, the network, a device): a template that passes Validate, or
// the first problem found.
Expected<Template> Parse(std::string_view bytes);

}  // namespace dancu::identify
