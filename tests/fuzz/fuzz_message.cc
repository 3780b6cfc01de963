// Fuzzes replication::DecodeMessage, the trust boundary of every frame a link receives, and what a
// session reads next from a frame that decodes: a version vector (ReadVersionVector) and a segment
// (DecodeSegment). Property: no crash or undefined behaviour, and a frame that decodes is
// canonical: re-canonicalizing its root gives back the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "replication/messages.h"
#include "replication/segment.h"
#include "storage/canonical.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dancu;
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  auto message = replication::DecodeMessage(frame);
  if (!message.ok()) return 0;
  auto root = message->get();
  if (storage::Canonicalize(root) != frame) std::abort();  // decoded, yet not canonical
  try {  // as Session::OnMessage reads fields: canonical bytes may hold a field of the wrong kind
    switch (root.which()) {
      case wire::Message::VERSION_VECTOR:
        (void)replication::ReadVersionVector(root.getVersionVector());
        break;
      case wire::Message::SEGMENT:
        (void)replication::DecodeSegment(root.getSegment());
        break;
      default:
        break;
    }
  } catch (const kj::Exception&) {
  }
  return 0;
}
