// ControlSource: where dancu-faultproxy reads its command lines — stdin, a FIFO or a regular file.
//
//  - stdin: read only when poll(2) says it is readable (its flags are left alone, since the file
//    description may be shared with the parent); at end of file it closes and the proxy keeps
//    running.
//  - a FIFO (created with mode 0600 if the path does not exist): opened read-write and
//    non-blocking, so writers may come and go (`echo cut > FIFO`) without an end of file.
//  - a regular file: followed like `tail -f` from its start; the caller re-reads it on a timer
//    (needs_timer()) since poll(2) reports regular files as always readable.
//
// Ownership: owns its descriptor (except stdin, which it never closes). Move-only.
// Thread-safety: none. Errors: OpenPath returns Status::IOError; read errors close the source.
#pragma once

#include <string>
#include <vector>

#include "storage/status.h"

namespace dancu::faultproxy {

class ControlSource {
 public:
  static ControlSource Stdin();
  static Result<ControlSource> OpenPath(const std::string& path);

  ControlSource(ControlSource&& other) noexcept;
  ControlSource& operator=(ControlSource&& other) noexcept;
  ControlSource(const ControlSource&) = delete;
  ControlSource& operator=(const ControlSource&) = delete;
  ~ControlSource();

  // The descriptor to poll for POLLIN, or -1 when closed or when it is a followed regular file.
  int poll_fd() const { return open() && !regular_file_ ? fd_ : -1; }
  bool needs_timer() const { return open() && regular_file_; }
  bool open() const { return fd_ >= 0; }
  const std::string& name() const { return name_; }

  // Reads what is available now and returns the complete lines (a last unterminated line is
  // returned at end of file).
  std::vector<std::string> ReadLines();

 private:
  ControlSource(int fd, std::string name, bool owned, bool regular_file);
  void Close();

  int fd_ = -1;
  std::string name_;
  bool owned_ = false;
  bool regular_file_ = false;
  std::string pending_;
};

}  // namespace dancu::faultproxy
