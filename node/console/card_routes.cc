// The console's "Đọc thẻ": POST /api/card/read {"citizen_no", "birth", "expiry", "record"?,
// "reader"?} reads the chip citizen-ID card in the node's reader (node/card_read.h), verifies it
// against the node's CSCAs and answers {authentic, verdict, reason?, signer, card: {the DG13 fields
// under the record's keys}, face: "data:image/jpeg;base64,...", places: {hometown,
// permanent_residence: the card's text as a unit and address, or the part not recognised
// (node/card_places.h)}} and, with "record" (a record id or
// citizen number), "differences": [{field, card, record}] (node/card_check.h). Nothing is stored:
// the officer decides what to save through the usual forms. The face image (biometric data) goes
// only to this officer's browser. The card is read on the reader's own thread
// (ctx.card_reader); this request's HTTP worker waits for it (up to 15 s for a card, then the
// read). One read at a time: another officer's read meanwhile is 409 card_reader_busy. POST
// /api/card/cancel ends the read in progress (the officer cancelled or left the page). Errors:
// SendStatus of node::ReadCitizenCard's Status (409 no reader/no card, 403 access key refused,
// 500 read failed or cancelled), with the devices' English message.
#include <sodium.h>

#include "node/card_case.h"
#include "node/card_check.h"
#include "node/card_places.h"
#include "node/card_read.h"
#include "node/card_trust.h"
#include "node/console/console_context.h"
#include "node/console/http_json.h"
#include "node/console/resident_view.h"

namespace dancu::console {

namespace {

using nlohmann::json;
namespace card = devices::card;

std::string DataUrl(const card::FaceImage& face) {
  std::string b64(sodium_base64_ENCODED_LEN(face.bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), face.bytes.data(), face.bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  b64.resize(b64.size() - 1);  // the terminating NUL
  return "data:" + face.mime_type + ";base64," + b64;
}

void Read(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto body = ParseJsonBody(req, res);
  if (!body) return;
  auto number = RequireString(*body, "citizen_no", res);
  if (!number) return;
  auto birth = RequireString(*body, "birth", res);
  if (!birth) return;
  auto expiry = RequireString(*body, "expiry", res);
  if (!expiry) return;
  std::string reader = body->value("reader", "");
  auto read = node::ReadCitizenCard(ctx.card_reader, {*number, *birth, *expiry, reader, std::chrono::seconds(15),
                                                      node::CardTrustDir(ctx.node.data_dir())});
  if (!read.ok() && node::IsCardReaderBusy(read.status())) {
    return SendError(res, 409, "card_reader_busy", read.status().message());
  }
  if (!read.ok()) return SendStatus(res, read.status());
  const card::CitizenCard& c = *read;
  json out = {{"authentic", c.verdict.authenticity == card::Authenticity::kGenuine},
              {"verdict", std::string(card::Name(c.verdict.authenticity))},
              {"signer", c.verdict.signer},
              {"card", node::CardToJson(c.data)},
              {"face", DataUrl(c.face)}};
  const storage::Era era = node::NodeEra(ctx.node.config().unit);
  out["places"] = {
      {"hometown", node::CardPlaceToJson(node::MapCardPlace(c.data.hometown, era))},
      {"permanent_residence", node::CardPlaceToJson(node::MapCardPlace(c.data.permanent_residence, era))}};
  if (!c.verdict.reason.empty()) out["reason"] = c.verdict.reason;
  std::string record_ref = body->value("record", "");
  if (!record_ref.empty()) {
    auto id = ResolveResident(ctx.node.store(), record_ref);
    if (!id.ok()) return SendStatus(res, id.status());
    auto record = ResidentJson(ctx.node.store(), *id);
    if (!record.ok()) return SendStatus(res, record.status());
    out["differences"] = node::CardDifferencesJson(node::CompareCardWithRecord(c.data, *record));
  }
  SendJson(res, 200, out);
}

}  // namespace

void AddCardRoutes(httplib::Server& server, ConsoleContext& ctx) {
  // A POST that touches hardware: CSRF-checked like a change, though it changes nothing stored.
  server.Post("/api/card/read",
              Authed(ctx, Changes::kState,
                     [&ctx](const httplib::Request& req, httplib::Response& res, const Session&) {
                       Read(ctx, req, res);
                     }));
  // The officer cancels (or leaves) a read in progress: it ends at once, 200 either way.
  server.Post("/api/card/cancel",
              Authed(ctx, Changes::kState,
                     [&ctx](const httplib::Request&, httplib::Response& res, const Session&) {
                       ctx.card_reader.Cancel();
                       SendJson(res, 200, {{"cancelled", true}});
                     }));
}

}  // namespace dancu::console
