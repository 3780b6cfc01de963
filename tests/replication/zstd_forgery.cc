#include "tests/replication/zstd_forgery.h"

#include <catch2/catch.hpp>
#include <zstd.h>

#include <algorithm>

namespace dancu::testing {

std::string WithStatedSize(std::string frame, uint64_t size) {
  auto fhd = static_cast<uint8_t>(frame[4]);
  unsigned fcs_flag = fhd >> 6, single_segment = (fhd >> 5) & 1, dict_flag = fhd & 3;
  const unsigned dict_bytes[] = {0, 1, 2, 4};
  size_t pos = 5 + (single_segment ? 0 : 1) + dict_bytes[dict_flag];
  REQUIRE((fcs_flag == 1 || fcs_flag == 2));
  size_t width = fcs_flag == 1 ? 2 : 4;
  uint64_t stored = fcs_flag == 1 ? size - 256 : size;
  for (size_t i = 0; i < width; ++i) frame[pos + i] = static_cast<char>((stored >> (8 * i)) & 0xff);
  return frame;
}

std::string ZeroFrame(size_t size, bool state_size) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  REQUIRE_FALSE(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, state_size ? 1 : 0)));
  if (state_size) REQUIRE_FALSE(ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(cctx, size)));
  std::string zeros(1 << 20, '\0'), out(ZSTD_CStreamOutSize(), '\0'), frame;
  for (size_t done = 0; done < size;) {
    size_t n = std::min(zeros.size(), size - done);
    done += n;
    ZSTD_inBuffer in{zeros.data(), n, 0};
    ZSTD_EndDirective mode = done == size ? ZSTD_e_end : ZSTD_e_continue;
    size_t left = 0;
    do {
      ZSTD_outBuffer o{out.data(), out.size(), 0};
      left = ZSTD_compressStream2(cctx, &o, &in, mode);
      REQUIRE_FALSE(ZSTD_isError(left));
      frame.append(out.data(), o.pos);
    } while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
  }
  ZSTD_freeCCtx(cctx);
  return frame;
}

}  // namespace dancu::testing
