#include "devices/fprint_minutiae.h"

#include <glib.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace dancu::devices {
namespace {

using IdError = identify::Error;
using IdCode = identify::ErrorCode;

constexpr int kNbisPrintType = 2;  // FPI_PRINT_NBIS in libfprint's fpi-print.h

struct VariantUnref {
  void operator()(GVariant* v) const { g_variant_unref(v); }
};
using Variant = std::unique_ptr<GVariant, VariantUnref>;

IdError Fail(IdCode code, std::string message) { return IdError{code, std::move(message)}; }

}  // namespace

identify::Expected<identify::Template> MinutiaeFromPrint(const Template& serialized,
                                                         uint16_t image_width,
                                                         uint16_t image_height) {
  if (serialized.size() < 3 || serialized[0] != 'F' || serialized[1] != 'P' || serialized[2] != '3')
    return Fail(IdCode::kBadMagic, "not a serialised libfprint print (FP3)");
  // GVariant may keep a pointer to the bytes: give it its own copy.
  GBytes* bytes = g_bytes_new(serialized.data() + 3, serialized.size() - 3);
  Variant raw(g_variant_ref_sink(
      g_variant_new_from_bytes(G_VARIANT_TYPE("(issbymsmsia{sv}v)"), bytes, FALSE)));
  g_bytes_unref(bytes);
  if (G_BYTE_ORDER == G_BIG_ENDIAN) raw.reset(g_variant_byteswap(raw.get()));
  Variant print(g_variant_get_normal_form(raw.get()));

  Variant type_value(g_variant_get_child_value(print.get(), 0));
  gint32 type = g_variant_get_int32(type_value.get());
  if (type != kNbisPrintType)
    return Fail(IdCode::kInvalidArgument,
                "the print (libfprint type " + std::to_string(type) +
                    ") holds no minutiae: only image devices' prints do");
  Variant boxed(g_variant_get_child_value(print.get(), 9));
  Variant data(g_variant_get_variant(boxed.get()));
  if (!g_variant_is_of_type(data.get(), G_VARIANT_TYPE("(a(aiaiai))")))
    return Fail(IdCode::kInvalidArgument, "the print's minutiae are not in libfprint's NBIS layout");
  Variant views(g_variant_get_child_value(data.get(), 0));
  const gsize nviews = g_variant_n_children(views.get());
  if (nviews == 0 || nviews > identify::kMaxViews)
    return Fail(IdCode::kBadCount, "the print has " + std::to_string(nviews) + " views");

  struct Row {
    gint32 x, y, theta;
  };
  std::vector<std::vector<Row>> rows(nviews);
  gint32 max_x = 0, max_y = 0;
  for (gsize v = 0; v < nviews; ++v) {
    Variant view(g_variant_get_child_value(views.get(), v));
    Variant cx(g_variant_get_child_value(view.get(), 0));
    Variant cy(g_variant_get_child_value(view.get(), 1));
    Variant ct(g_variant_get_child_value(view.get(), 2));
    gsize nx = 0, ny = 0, nt = 0;
    const auto* xs = static_cast<const gint32*>(g_variant_get_fixed_array(cx.get(), &nx, sizeof(gint32)));
    const auto* ys = static_cast<const gint32*>(g_variant_get_fixed_array(cy.get(), &ny, sizeof(gint32)));
    const auto* ts = static_cast<const gint32*>(g_variant_get_fixed_array(ct.get(), &nt, sizeof(gint32)));
    if (nx != ny || nx != nt)
      return Fail(IdCode::kBadCount, "view " + std::to_string(v) + " has columns of different lengths");
    if (nx > identify::kMaxMinutiae)
      return Fail(IdCode::kBadCount, "view " + std::to_string(v) + " has " + std::to_string(nx) + " minutiae");
    for (gsize i = 0; i < nx; ++i) {
      if (xs[i] < 0 || ys[i] < 0 || xs[i] >= identify::kMaxDimension || ys[i] > identify::kMaxDimension)
        return Fail(IdCode::kOutOfRange, "view " + std::to_string(v) + " has a minutia at (" +
                                                std::to_string(xs[i]) + "," + std::to_string(ys[i]) + ")");
      rows[v].push_back({xs[i], ys[i], ts[i]});
      max_x = std::max(max_x, xs[i]);
      max_y = std::max(max_y, ys[i]);
    }
  }

  identify::Template out;
  const bool known = image_width > 0 && image_height > 0;
  out.width = known ? image_width : static_cast<uint16_t>(max_x + 1);
  out.height = known ? image_height : static_cast<uint16_t>(max_y + 1);
  const gint32 flip = known ? image_height : max_y;  // NIST y = height - image y
  for (const auto& view : rows) {
    auto& minutiae = out.views.emplace_back();
    for (const Row& r : view) {
      gint32 y = flip - r.y;
      if (r.x >= out.width || y < 0 || y >= out.height)
        return Fail(IdCode::kOutOfRange, "a minutia at (" + std::to_string(r.x) + "," +
                                                std::to_string(r.y) + ") lies outside the " +
                                                std::to_string(out.width) + "x" +
                                                std::to_string(out.height) + " image");
      // Counter-clockwise with y up is clockwise with y down: negate, then degrees → 1/256 turns.
      long units = std::lround(-static_cast<double>(r.theta) * 256.0 / 360.0);
      minutiae.push_back(identify::Minutia{static_cast<uint16_t>(r.x), static_cast<uint16_t>(y),
                                           static_cast<uint8_t>(units & 0xff),
                                           identify::MinutiaType::kUnknown});
    }
  }
  // Whatever the print held, only a template that passes our own checks leaves here.
  if (auto valid = identify::Validate(out); !valid.ok()) return valid.error();
  return out;
}

}  // namespace dancu::devices
