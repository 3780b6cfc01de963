// CardReadWorker: the node's one card reader, read by one thread of its own. Callers (the
// console's HTTP workers, the CLI) hand it a read and wait on a future; the worker connects to
// the card, runs BAC and reads the files, so no caller's thread ever drives the card, and two
// reads never interleave their APDUs on one card.
//
// One read at a time: Read while another read is running (or waiting for a card) fails at once
// with kBusy ("the card reader is busy with another read"); nothing is queued. Cancel ends the
// running read from any thread: the wait for a card stops at once and the read fails with
// kCancelled at its next APDU. A read also ends after `wait` without a card (kNoCard); the caller
// bounds the rest with its own deadline on the future, then calls Cancel.
//
// Where cards come from is a CardSource, made afresh for each read (PcscReader through pcscd;
// the tests' software card). Thread-safety: every method may be called from any thread. The
// destructor cancels the running read and joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "devices/card/card_channel.h"
#include "devices/card/lds.h"
#include "devices/result.h"

namespace dancu::devices::card {

// A place cards are connected from, for one read.
class CardSource {
 public:
  virtual ~CardSource() = default;
  // Waits up to `wait` for a card in `reader` (empty: any) and connects to it. Blocking.
  virtual Result<std::unique_ptr<CardChannel>> Connect(const std::string& reader, std::chrono::milliseconds wait) = 0;
  // From another thread: ends Connect at once and fails later Transmits with kCancelled.
  virtual void Cancel() = 0;
};

using CardSourceFactory = std::function<Result<std::unique_ptr<CardSource>>()>;

struct CardReadRequest {
  std::string mrz_information;  // the BAC key (CitizenCardMrzInformation)
  std::string reader;           // empty: any reader
  std::chrono::milliseconds wait{15'000};  // for a card to be in the reader
};

class CardReadWorker {
 public:
  explicit CardReadWorker(CardSourceFactory sources);
  ~CardReadWorker();
  CardReadWorker(const CardReadWorker&) = delete;
  CardReadWorker& operator=(const CardReadWorker&) = delete;

  // Starts `request` on the worker thread; its files, or the read's error, come through the
  // future. kBusy at once if a read is running.
  Result<std::future<Result<CardFiles>>> Read(CardReadRequest request);

  // Cancels the running read, if any.
  void Cancel();

 private:
  void Run();

  CardSourceFactory sources_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool busy_ = false;  // a read is queued or running
  std::optional<std::pair<CardReadRequest, std::promise<Result<CardFiles>>>> next_;
  CardSource* running_ = nullptr;  // the running read's source, for Cancel
  bool cancel_requested_ = false;  // Cancel came before the source existed
  std::thread thread_;
};

}  // namespace dancu::devices::card
