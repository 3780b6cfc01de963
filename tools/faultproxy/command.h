// Control commands of dancu-faultproxy: one per line, from stdin or the --control file or FIFO.
//
//   cut                 close every open connection abruptly (RST)
//   stall | resume      stop / restart forwarding bytes; connections stay open
//   refuse | accept     reset new connections as soon as they arrive / accept them again
//   rate N              per-direction rate in bits per second (k/M/G suffixes ×1000; 0 = unlimited)
//   latency MS          one-way latency in milliseconds for bytes read from now on
//   cut-after BYTES     cut each open connection, and each one accepted later, once it has
//                       forwarded BYTES more bytes (both directions together)
//   cut-after off       disarm cut-after, for open and later connections
//   status              print settings and connections to stderr
//   quit                reset every connection and exit 0
// Blank lines and lines starting with '#' are ignored (kind kNone).
//
// Pure functions; thread-safe. Errors: Status::InvalidArgument naming the bad line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace dancu::faultproxy {

struct Command {
  enum class Kind { kNone, kCut, kStall, kResume, kRefuse, kAccept, kRate, kLatency, kCutAfter,
                    kCutAfterOff, kStatus, kQuit };
  Kind kind = Kind::kNone;
  uint64_t value = 0;  // bits per second, milliseconds or bytes
};

Result<Command> ParseCommand(std::string_view line);

// "64000", "64k", "1.5M" -> bits per second.
Result<uint64_t> ParseRate(std::string_view text);
// A plain unsigned decimal integer.
Result<uint64_t> ParseCount(std::string_view text);

}  // namespace dancu::faultproxy
