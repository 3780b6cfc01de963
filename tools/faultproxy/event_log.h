// EventLog: one line per event of dancu-faultproxy, "faultproxy: <text>\n", written unbuffered so
// a test reading the stream sees each event as it happens.
//
// Ownership: does not own the stream. Thread-safety: as stdio (each line is one fputs).
// Errors: write failures are ignored (a closed stderr must not stop the proxy).
#pragma once

#include <cstdio>
#include <string>

namespace dancu::faultproxy {

class EventLog {
 public:
  explicit EventLog(std::FILE* stream) : stream_(stream) {}
  void operator()(const std::string& text) const {
    const std::string line = "faultproxy: " + text + "\n";
    std::fputs(line.c_str(), stream_);
    std::fflush(stream_);
  }

 private:
  std::FILE* stream_;
};

}  // namespace dancu::faultproxy
