// From libfprint's serialised print to dancu's own minutiae template (devices/identify), so that
// nothing after capture depends on libfprint's matcher.
//
// libfprint has no public API for a print's minutiae, but fp_print_serialize (public) writes them
// for image devices: "FP3" then a GVariant "(issbymsmsia{sv}v)" (type, driver, device id, stored,
// finger, user, description, enroll date, extensions, data). For type 2 (NBIS, every image
// driver) the data is "(a(aiaiai))": per enroll view, the x, y and theta columns of the NBIS
// minutiae in NIST's internal convention — origin at the bottom-left, theta in degrees
// counter-clockwise from east, pointing away from the ridge ending or bifurcation valley. (See
// libfprint's fp-print.c and fpi-print.c minutiae_to_xyt.) Match-on-chip readers (type 1, RAW)
// keep their templates inside the reader and have no minutiae to take.
//
// The conversion flips y back to the image's top-left origin and turns theta into 2π/256 units
// measured in that frame (devices/identify/template.h). The serialised print does not carry the
// image size: pass it when known (the driver's image size); otherwise the template's size is the
// minutiae's bounding box and it is the image translated by a few pixels, which the matcher and
// index ignore.
//
// Thread-safety: a pure function. Errors (identify::Error): kBadMagic for bytes that are not a
// serialised FpPrint, kInvalidArgument for a print without minutiae (not an image device) or a
// malformed variant, kBadCount for columns of different lengths or too many views or minutiae,
// kOutOfRange for a coordinate outside the given image. Never crashes on untrusted bytes (GVariant
// reads them in normal form). Cost: linear in the bytes.
#pragma once

#include <cstdint>

#include "devices/fingerprint_reader.h"
#include "devices/identify/template.h"

namespace dancu::devices {

identify::Expected<identify::Template> MinutiaeFromPrint(const Template& serialized,
                                                         uint16_t image_width = 0,
                                                         uint16_t image_height = 0);

}  // namespace dancu::devices
