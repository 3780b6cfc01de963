// The card reader's own thread (devices/card/card_read_worker.h): one read at a time, the others
// told the reader is busy, never two sessions' APDUs interleaved on one card; a read cancelled
// while it waits for a card, and one that waits in vain.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "devices/card/card_read_worker.h"
#include "devices/card/software_card.h"
#include "tools/fixtures/test_card.h"

namespace dancu::devices::card {
namespace {

using namespace std::chrono_literals;

// The reader: a software card, inserted or not, whose APDUs take a little time, counting how many
// are in flight at once.
struct Reader {
  explicit Reader(bool with_card) : card(tools::fixtures::IssueSample(tools::fixtures::MakePki())), inserted(with_card) {}
  SoftwareCard card;
  std::mutex mu;
  std::condition_variable changed;
  bool inserted;
  std::atomic<int> in_flight{0};
  std::atomic<int> most_in_flight{0};
  std::atomic<int> connects{0};

  void Insert() {
    std::lock_guard<std::mutex> lock(mu);
    inserted = true;
    changed.notify_all();
  }
};

class SlowChannel : public CardChannel {
 public:
  SlowChannel(Reader& reader, const std::atomic<bool>& cancelled) : reader_(reader), inner_(reader.card), cancelled_(cancelled) {}
  Result<Bytes> Transmit(const Bytes& command) override {
    if (cancelled_) return Error(ErrorCode::kCancelled, "cancelled");
    const int now = ++reader_.in_flight;
    for (int seen = reader_.most_in_flight; now > seen && !reader_.most_in_flight.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(1ms);
    Result<Bytes> answer = inner_.Transmit(command);
    --reader_.in_flight;
    return answer;
  }

 private:
  Reader& reader_;
  SoftwareCardChannel inner_;
  const std::atomic<bool>& cancelled_;
};

class TestSource : public CardSource {
 public:
  explicit TestSource(Reader& reader) : reader_(reader) {}
  Result<std::unique_ptr<CardChannel>> Connect(const std::string&, std::chrono::milliseconds wait) override {
    ++reader_.connects;
    std::unique_lock<std::mutex> lock(reader_.mu);
    if (!reader_.changed.wait_for(lock, wait, [this] { return reader_.inserted || cancelled_; })) {
      return Error(ErrorCode::kNoCard, "there is no card in the reader");
    }
    if (cancelled_) return Error(ErrorCode::kCancelled, "cancelled");
    return std::unique_ptr<CardChannel>(new SlowChannel(reader_, cancelled_));
  }
  void Cancel() override {
    std::lock_guard<std::mutex> lock(reader_.mu);
    cancelled_ = true;
    reader_.changed.notify_all();
  }

 private:
  Reader& reader_;
  std::atomic<bool> cancelled_{false};
};

CardSourceFactory SourcesOf(Reader& reader) {
  return [&reader]() -> Result<std::unique_ptr<CardSource>> { return std::unique_ptr<CardSource>(new TestSource(reader)); };
}

CardReadRequest Request(std::chrono::milliseconds wait = 5s) {
  Result<std::string> key = CitizenCardMrzInformation("001085012345", "1985-03-07", "2030-03-07");
  REQUIRE(key.ok());
  return {key.value(), "", wait};
}

TEST_CASE("card_reader_busy: two reads at once: one reads, the other is told the reader is busy", "[card]") {
  Reader reader(true);
  CardReadWorker worker(SourcesOf(reader));
  const CardReadRequest request = Request();
  for (int round = 0; round < 3; ++round) {
    std::atomic<bool> go{false};
    std::vector<std::optional<Result<std::future<Result<CardFiles>>>>> started(4);
    std::vector<std::thread> officers;
    for (auto& slot : started) {
      officers.emplace_back([&] {
        while (!go) std::this_thread::yield();
        slot.emplace(worker.Read(request));
      });
    }
    go = true;
    for (auto& t : officers) t.join();
    int reads = 0, busy = 0;
    for (auto& slot : started) {
      if (slot->ok()) {
        ++reads;
        Result<CardFiles> files = slot->value().get();
        REQUIRE(files.ok());
        CHECK_FALSE(files.value().dg13.empty());
      } else {
        CHECK(slot->error().code() == ErrorCode::kBusy);
        CHECK(slot->error().message() == "the card reader is busy with another read");
        ++busy;
      }
    }
    CHECK(reads == 1);
    CHECK(busy == 3);
  }
  CHECK(reader.connects == 3);
  CHECK(reader.most_in_flight == 1);  // never two APDUs on the card at once
}

TEST_CASE("card_reader_cancel: a read waiting for a card is cancelled at once; a wait in vain ends", "[card]") {
  Reader reader(false);
  CardReadWorker worker(SourcesOf(reader));
  auto waiting = worker.Read(Request(30s));
  REQUIRE(waiting.ok());
  std::this_thread::sleep_for(50ms);
  CHECK(worker.Read(Request()).error().code() == ErrorCode::kBusy);
  const auto asked = std::chrono::steady_clock::now();
  worker.Cancel();
  REQUIRE(waiting.value().wait_for(2s) == std::future_status::ready);
  CHECK(std::chrono::steady_clock::now() - asked < 1s);
  Result<CardFiles> cancelled = waiting.value().get();
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().code() == ErrorCode::kCancelled);

  // No card within the wait: kNoCard, and the reader is free again.
  auto in_vain = worker.Read(Request(100ms));
  REQUIRE(in_vain.ok());
  CHECK(in_vain.value().get().error().code() == ErrorCode::kNoCard);

  // Cancel with nothing running changes nothing; then a card reads.
  worker.Cancel();
  reader.Insert();
  auto read = worker.Read(Request());
  REQUIRE(read.ok());
  CHECK(read.value().get().ok());
}

}  // namespace
}  // namespace dancu::devices::card
