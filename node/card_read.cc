#include "node/card_read.h"

#include <ctime>
#include <future>
#include <string>

#include "devices/card/card_issuer.h"
#include "node/card_trust.h"

namespace dancu::node {

namespace {

namespace card = devices::card;

constexpr char kBusy[] = "the card reader is busy with another read";

Status FromDevice(const devices::Error& e) {
  switch (e.code()) {
    case devices::ErrorCode::kBusy: return Status::FailedPrecondition(kBusy);
    case devices::ErrorCode::kAccessDenied: return Status::PermissionDenied(e.message());
    case devices::ErrorCode::kInvalidArgument: return Status::InvalidArgument(e.message());
    case devices::ErrorCode::kNoCardReader:
    case devices::ErrorCode::kNoCard:
    case devices::ErrorCode::kUnavailable: return Status::FailedPrecondition(e.message());
    default: return Status::IOError(e.message());
  }
}

}  // namespace

bool IsCardReaderBusy(const Status& status) { return status.message() == kBusy; }

Result<card::CitizenCard> ReadCitizenCard(card::CardReadWorker& reader, const CardRequest& request) {
  auto trust = LoadCardTrust(request.trust_dir);
  if (!trust.ok()) return trust.status();
  auto key = card::CitizenCardMrzInformation(request.citizen_no, request.birth, request.expiry);
  if (!key.ok()) return FromDevice(key.error());
  auto started = reader.Read({key.value(), request.reader, request.wait});
  if (!started.ok()) return FromDevice(started.error());
  std::future<devices::Result<card::CardFiles>>& pending = started.value();
  if (pending.wait_for(request.wait + kCardReadTime) != std::future_status::ready) {
    reader.Cancel();  // the read ends at its next APDU
    pending.wait();
    return Status::IOError("the card read took longer than " + std::to_string((request.wait + kCardReadTime).count()) +
                           " s and was cancelled");
  }
  auto files = pending.get();
  if (!files.ok()) return FromDevice(files.error());
  auto opened = card::OpenCitizenCard(files.value(), *trust, std::time(nullptr));
  if (!opened.ok()) return FromDevice(opened.error());
  return std::move(opened).value();
}

}  // namespace dancu::node
