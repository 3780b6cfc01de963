#include "node/card_read.h"

#include <ctime>

#include "devices/card/card_issuer.h"
#include "devices/card/pcsc_reader.h"
#include "node/card_trust.h"

namespace dancu::node {

namespace {

namespace card = devices::card;

Status FromDevice(const devices::Error& e) {
  switch (e.code()) {
    case devices::ErrorCode::kAccessDenied: return Status::PermissionDenied(e.message());
    case devices::ErrorCode::kInvalidArgument: return Status::InvalidArgument(e.message());
    case devices::ErrorCode::kNoCardReader:
    case devices::ErrorCode::kNoCard:
    case devices::ErrorCode::kUnavailable: return Status::FailedPrecondition(e.message());
    default: return Status::IOError(e.message());
  }
}

}  // namespace

Result<card::CitizenCard> ReadCitizenCard(const CardRequest& request) {
  auto trust = LoadCardTrust(request.trust_dir);
  if (!trust.ok()) return trust.status();
  auto key = card::CitizenCardMrzInformation(request.citizen_no, request.birth, request.expiry);
  if (!key.ok()) return FromDevice(key.error());
  auto reader = card::PcscReader::Open();
  if (!reader.ok()) return FromDevice(reader.error());
  auto channel = reader.value()->Connect(request.reader, request.wait);
  if (!channel.ok()) return FromDevice(channel.error());
  auto files = card::ReadCardFiles(*channel.value(), key.value());
  if (!files.ok()) return FromDevice(files.error());
  auto opened = card::OpenCitizenCard(files.value(), *trust, std::time(nullptr));
  if (!opened.ok()) return FromDevice(opened.error());
  return std::move(opened).value();
}

}  // namespace dancu::node
