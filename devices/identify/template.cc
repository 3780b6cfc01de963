#include "devices/identify/template.h"

namespace dancu::identify {
namespace {

constexpr char kMagic[4] = {'D', 'N', 'F', 'T'};
constexpr size_t kMinutiaBytes = 6;

Error Fail(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

void PutU16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  size_t remaining() const { return bytes_.size() - pos_; }
  bool U8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = static_cast<uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool U16(uint16_t& v) {
    if (remaining() < 2) return false;
    v = static_cast<uint16_t>(static_cast<uint8_t>(bytes_[pos_]) |
                              (static_cast<uint8_t>(bytes_[pos_ + 1]) << 8));
    pos_ += 2;
    return true;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace

size_t Template::MinutiaCount() const {
  size_t n = 0;
  for (const auto& v : views) n += v.size();
  return n;
}

Expected<void> Validate(const Template& t) {
  if (t.width == 0 || t.height == 0 || t.width > kMaxDimension || t.height > kMaxDimension)
    return Fail(ErrorCode::kOutOfRange, "template image size " + std::to_string(t.width) + "x" +
                                            std::to_string(t.height) + " is out of range");
  if (t.views.empty() || t.views.size() > kMaxViews)
    return Fail(ErrorCode::kBadCount,
                "template has " + std::to_string(t.views.size()) + " views (1.." +
                    std::to_string(kMaxViews) + " allowed)");
  for (size_t v = 0; v < t.views.size(); ++v) {
    if (t.views[v].size() > kMaxMinutiae)
      return Fail(ErrorCode::kBadCount, "view " + std::to_string(v) + " has " +
                                            std::to_string(t.views[v].size()) + " minutiae (at most " +
                                            std::to_string(kMaxMinutiae) + ")");
    for (size_t i = 0; i < t.views[v].size(); ++i) {
      const Minutia& m = t.views[v][i];
      if (m.x >= t.width || m.y >= t.height)
        return Fail(ErrorCode::kOutOfRange, "view " + std::to_string(v) + " minutia " +
                                                std::to_string(i) + " at (" + std::to_string(m.x) +
                                                "," + std::to_string(m.y) + ") is outside the image");
      if (static_cast<uint8_t>(m.type) > static_cast<uint8_t>(MinutiaType::kBifurcation))
        return Fail(ErrorCode::kOutOfRange, "view " + std::to_string(v) + " minutia " +
                                                std::to_string(i) + " has an unknown type");
    }
  }
  return {};
}

Expected<std::string> Serialize(const Template& t) {
  if (auto valid = Validate(t); !valid.ok()) return valid.error();
  std::string out(kMagic, sizeof kMagic);
  out.reserve(10 + t.views.size() * 2 + t.MinutiaCount() * kMinutiaBytes);
  out.push_back(static_cast<char>(kTemplateVersion));
  PutU16(out, t.width);
  PutU16(out, t.height);
  out.push_back(static_cast<char>(t.views.size()));
  for (const auto& view : t.views) {
    PutU16(out, static_cast<uint16_t>(view.size()));
    for (const Minutia& m : view) {
      PutU16(out, m.x);
      PutU16(out, m.y);
      out.push_back(static_cast<char>(m.angle));
      out.push_back(static_cast<char>(m.type));
    }
  }
  return out;
}

Expected<Template> Parse(std::string_view bytes) {
  if (bytes.size() < sizeof kMagic || bytes.substr(0, sizeof kMagic) != std::string_view(kMagic, 4))
    return Fail(bytes.size() < sizeof kMagic && std::string_view(kMagic, 4).starts_with(bytes)
                    ? ErrorCode::kTruncated
                    : ErrorCode::kBadMagic,
                bytes.size() < sizeof kMagic ? "template truncated in its magic"
                                             : "not a dancu template (wrong magic)");
  Reader r(bytes.substr(sizeof kMagic));
  uint8_t version = 0;
  if (!r.U8(version)) return Fail(ErrorCode::kTruncated, "template truncated before its version");
  if (version != kTemplateVersion)
    return Fail(ErrorCode::kBadVersion, "template version " + std::to_string(version) +
                                            " is not supported (this build reads version " +
                                            std::to_string(kTemplateVersion) + ")");
  Template t;
  uint8_t views = 0;
  if (!r.U16(t.width) || !r.U16(t.height) || !r.U8(views))
    return Fail(ErrorCode::kTruncated, "template truncated in its header");
  if (t.width == 0 || t.height == 0 || t.width > kMaxDimension || t.height > kMaxDimension)
    return Fail(ErrorCode::kOutOfRange, "template image size " + std::to_string(t.width) + "x" +
                                            std::to_string(t.height) + " is out of range");
  if (views == 0 || views > kMaxViews)
    return Fail(ErrorCode::kBadCount, "template claims " + std::to_string(views) +
                                          " views (1.." + std::to_string(kMaxViews) + " allowed)");
  t.views.resize(views);
  for (size_t v = 0; v < views; ++v) {
    uint16_t count = 0;
    if (!r.U16(count))
      return Fail(ErrorCode::kTruncated, "template truncated before view " + std::to_string(v));
    if (count > kMaxMinutiae)
      return Fail(ErrorCode::kBadCount, "view " + std::to_string(v) + " claims " +
                                            std::to_string(count) + " minutiae (at most " +
                                            std::to_string(kMaxMinutiae) + ")");
    if (static_cast<size_t>(count) * kMinutiaBytes > r.remaining())
      return Fail(ErrorCode::kBadCount, "view " + std::to_string(v) + " claims " +
                                            std::to_string(count) + " minutiae but only " +
                                            std::to_string(r.remaining()) + " bytes follow");
    t.views[v].resize(count);
    for (uint16_t i = 0; i < count; ++i) {
      Minutia& m = t.views[v][i];
      uint8_t type = 0;
      (void)(r.U16(m.x) && r.U16(m.y) && r.U8(m.angle) && r.U8(type));  // length checked above
      if (m.x >= t.width || m.y >= t.height)
        return Fail(ErrorCode::kOutOfRange, "view " + std::to_string(v) + " minutia " +
                                                std::to_string(i) + " at (" + std::to_string(m.x) +
                                                "," + std::to_string(m.y) + ") is outside the " +
                                                std::to_string(t.width) + "x" +
                                                std::to_string(t.height) + " image");
      if (type > static_cast<uint8_t>(MinutiaType::kBifurcation))
        return Fail(ErrorCode::kOutOfRange, "view " + std::to_string(v) + " minutia " +
                                                std::to_string(i) + " has unknown type " +
                                                std::to_string(type));
      m.type = static_cast<MinutiaType>(type);
    }
  }
  if (r.remaining() != 0)
    return Fail(ErrorCode::kTrailingBytes,
                std::to_string(r.remaining()) + " bytes follow the template's last view");
  return t;
}

}  // namespace dancu::identify
