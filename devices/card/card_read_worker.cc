#include "devices/card/card_read_worker.h"

#include "devices/card/read_card.h"

namespace dancu::devices::card {

CardReadWorker::CardReadWorker(CardSourceFactory sources)
    : sources_(std::move(sources)), thread_([this] { Run(); }) {}

CardReadWorker::~CardReadWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (running_) running_->Cancel();
  }
  wake_.notify_all();
  thread_.join();
}

Result<std::future<Result<CardFiles>>> CardReadWorker::Read(CardReadRequest request) {
  std::lock_guard<std::mutex> lock(mu_);
  if (busy_ || stopping_) return Error(ErrorCode::kBusy, "the card reader is busy with another read");
  busy_ = true;
  cancel_requested_ = false;
  std::promise<Result<CardFiles>> promise;
  std::future<Result<CardFiles>> future = promise.get_future();
  next_.emplace(std::move(request), std::move(promise));
  wake_.notify_all();
  return future;
}

void CardReadWorker::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!busy_) return;
  cancel_requested_ = true;
  if (running_) running_->Cancel();
}

void CardReadWorker::Run() {
  for (;;) {
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait(lock, [this] { return stopping_ || next_.has_value(); });
    if (stopping_ && !next_) return;
    auto [request, promise] = std::move(*next_);
    next_.reset();
    lock.unlock();

    Result<CardFiles> files = Error(ErrorCode::kCancelled, "the read was cancelled");
    Result<std::unique_ptr<CardSource>> source = sources_();
    if (!source.ok()) {
      files = source.error();
    } else {
      lock.lock();
      const bool cancelled = cancel_requested_ || stopping_;
      if (!cancelled) running_ = source.value().get();
      lock.unlock();
      if (!cancelled) {
        Result<std::unique_ptr<CardChannel>> channel = source.value()->Connect(request.reader, request.wait);
        if (channel.ok()) {
          files = ReadCardFiles(*channel.value(), request.mrz_information);
        } else {
          files = channel.error();
        }
      }
    }
    lock.lock();
    running_ = nullptr;
    busy_ = false;
    lock.unlock();
    promise.set_value(std::move(files));
  }
}

}  // namespace dancu::devices::card
