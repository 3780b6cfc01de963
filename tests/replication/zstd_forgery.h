// Test support for replication: zstd frames forged the way an attacker would, to check that
// receivers refuse them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dancu::testing {

// `frame` (one zstd frame stating a content size of 256 .. 2^32 bytes) with that size replaced by
// `size`: a frame that lies about what it holds.
std::string WithStatedSize(std::string frame, uint64_t size);

// One zstd frame of `size` zero bytes, written by streaming, stating its size or not: a few
// kilobytes that decompress to `size`.
std::string ZeroFrame(size_t size, bool state_size);

}  // namespace dancu::testing
