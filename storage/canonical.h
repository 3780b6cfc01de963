// Canonical Cap'n Proto bytes: how dancu stores, hashes and signs every message.
//
// Canonical form is one segment, no segment table, fields in preorder with no padding, so the same
// value always has the same bytes and a hash or signature over them is well defined. We sign the
// raw canonical bytes as stored, never a re-encoding.
//
// Decoding is the trust boundary for bytes read from disk or the network: Parse copies into an
// 8-byte-aligned buffer, applies ReaderOptions limits while it checks canonical form (after which
// the bytes are read without a traversal budget: canonical form has no overlapping pointers to
// amplify), and turns every Cap'n Proto exception into Status::Corruption. A Parsed<T> owns its buffer; it is movable, not
// copyable, and safe to read from several threads once built.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <memory>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace dancu::storage {

// The bytes of a Data field, without a copy; valid while the message is.
inline std::string_view AsView(capnp::Data::Reader data) {
  return {reinterpret_cast<const char*>(data.begin()), data.size()};
}

// First-segment size for messages holding one record or change: 2 KiB fits a resident with every
// field set, where Cap'n Proto's default (8 KiB, zeroed) would cost more to clear than to fill.
inline constexpr unsigned kRecordMessageWords = 256;

// The canonical bytes of `reader`.
template <typename Reader>
std::string Canonicalize(Reader reader) {
  kj::Array<capnp::word> words = capnp::canonicalize(reader);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

namespace internal {
// The aligned copy and the reader over it; kept at a stable address so the reader's pointers hold.
struct ParsedBuffer {
  kj::Array<capnp::word> words;
  kj::ArrayPtr<const capnp::word> segment;
  std::unique_ptr<capnp::SegmentArrayMessageReader> reader;
};
// Builds the reader, checks canonical form; `what` names the message in errors.
Result<std::unique_ptr<ParsedBuffer>> ParseCanonical(std::string_view bytes, std::string_view what);
// The same without the checks, for bytes this process has just produced with Canonicalize.
std::unique_ptr<ParsedBuffer> WrapOwn(std::string_view bytes);
}  // namespace internal

template <typename T>
class Parsed {
 public:
  // Parses canonical bytes of a T. Errors: Corruption naming `what` and the reason.
  static Result<Parsed> Parse(std::string_view bytes, std::string_view what) {
    auto buffer = internal::ParseCanonical(bytes, what);
    if (!buffer.ok()) return buffer.status();
    Parsed parsed(std::move(buffer.value()));
    try {
      parsed.root_ = parsed.buffer_->reader->template getRoot<T>();
    } catch (const kj::Exception& e) {
      return Status::Corruption(std::string(what) + ": " + e.getDescription().cStr());
    }
    return parsed;
  }

  // Reads bytes this process produced with Canonicalize (never bytes from disk or the wire): the
  // checks Parse makes would only repeat what Canonicalize guarantees.
  static Parsed Own(std::string_view bytes) {
    Parsed parsed(internal::WrapOwn(bytes));
    parsed.root_ = parsed.buffer_->reader->template getRoot<T>();
    return parsed;
  }

  typename T::Reader get() const { return root_; }

 private:
  explicit Parsed(std::unique_ptr<internal::ParsedBuffer> buffer) : buffer_(std::move(buffer)) {}
  std::unique_ptr<internal::ParsedBuffer> buffer_;
  typename T::Reader root_;
};

}  // namespace dancu::storage
