#include "storage/canonical.h"

#include <capnp/any.h>

#include <cstring>

namespace dancu::storage::internal {

namespace {
// Bounds for untrusted messages: no amplification beyond a small multiple of the input, shallow
// nesting (our schemas are at most four levels deep).
capnp::ReaderOptions LimitsFor(size_t words) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = words * 4 + 64;
  options.nestingLimit = 16;
  return options;
}

std::unique_ptr<ParsedBuffer> Wrap(std::string_view bytes) {
  auto buffer = std::make_unique<ParsedBuffer>();
  buffer->words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(buffer->words.begin(), bytes.data(), bytes.size());
  buffer->segment = buffer->words.asPtr();
  return buffer;
}

// The reader for bytes known to be canonical: canonical form rules out the overlapping pointers
// that the traversal budget guards against, so callers may read fields as often as they need.
void ReadTrusted(ParsedBuffer& buffer) {
  capnp::ReaderOptions options = LimitsFor(buffer.words.size());
  options.traversalLimitInWords = kj::maxValue;
  buffer.reader = std::make_unique<capnp::SegmentArrayMessageReader>(kj::arrayPtr(&buffer.segment, 1), options);
}
}  // namespace

std::unique_ptr<ParsedBuffer> WrapOwn(std::string_view bytes) {
  auto buffer = Wrap(bytes);
  ReadTrusted(*buffer);
  return buffer;
}

Result<std::unique_ptr<ParsedBuffer>> ParseCanonical(std::string_view bytes,
                                                     std::string_view what) {
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return Status::Corruption(std::string(what) + ": length " + std::to_string(bytes.size()) +
                              " is not a positive multiple of 8");
  }
  auto buffer = Wrap(bytes);
  const size_t words = buffer->words.size();
  try {
    buffer->reader = std::make_unique<capnp::SegmentArrayMessageReader>(
        kj::arrayPtr(&buffer->segment, 1), LimitsFor(words));
    if (!buffer->reader->isCanonical()) {
      return Status::Corruption(std::string(what) + ": bytes are not in canonical form");
    }
    // Cap'n Proto 0.9's isCanonical() passes some bytes that canonicalize() never writes (an empty
    // list whose pointer has an offset, even one past the segment): require exactly the bytes it
    // writes for the root, so that every value has one encoding.
    const kj::Array<capnp::word> canonical = buffer->reader->getRoot<capnp::AnyStruct>().canonicalize();
    if (canonical.asBytes().size() != bytes.size() ||
        std::memcmp(canonical.begin(), bytes.data(), bytes.size()) != 0) {
      return Status::Corruption(std::string(what) + ": bytes are not in canonical form");
    }
    ReadTrusted(*buffer);
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string(what) + ": " + e.getDescription().cStr());
  }
  return buffer;
}

}  // namespace dancu::storage::internal
