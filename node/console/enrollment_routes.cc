// Enrollment from the browser: POST /api/residents/{ref}/photo (the image as the body, image/jpeg
// or image/png, checked like `dancu enroll photo`), POST /api/residents/{ref}/fingers/{finger}
// with {"exception": "missing"|"unreadable"} or {"capture": true} (starts the reader), and
// GET /api/captures/{id} (a capture's progress, polled by the page).
#include "node/console/console_context.h"
#include "node/console/http_json.h"
#include "node/console/resident_view.h"
#include "node/enrollment.h"
#include "node/photo.h"
#include "storage/hlc.h"

namespace dancu::console {

namespace {

using nlohmann::json;

void UploadPhoto(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res,
                 const Session& session) {
  const std::string type = req.get_header_value("Content-Type");
  if (type != "image/jpeg" && type != "image/png") {
    return SendError(res, 415, "unsupported_media_type", "send the photo as image/jpeg or image/png");
  }
  if (req.body.size() > node::kMaxPhotoBytes) {
    return SendError(res, 413, "too_large", "the photo is larger than 2 MiB");
  }
  auto id = ResolveResident(ctx.node.store(), req.matches[1]);
  if (!id.ok()) return SendStatus(res, id.status());
  auto record = ResidentJson(ctx.node.store(), *id);
  if (!record.ok()) return SendStatus(res, record.status());
  auto checked = node::ValidatePhoto(req.body);
  if (!checked.ok()) return SendError(res, 422, "bad_photo", checked.status().message());
  auto keys = node::LoadBiometricKeys(ctx.node, storage::HybridClock::SystemMillis());
  if (!keys.ok()) return SendStatus(res, keys.status());
  auto seq = node::StorePhoto(ctx.node, *keys, {*id, session.officer, session.role}, req.body);
  if (!seq.ok()) return SendStatus(res, seq.status());
  SendJson(res, 200, {{"id", *id}, {"part", "photo"}, {"seq", *seq}, {"officer", session.officer}});
}

void Finger(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res,
            const Session& session) {
  auto body = ParseJsonBody(req, res);
  if (!body) return;
  auto finger = node::ParseFinger(req.matches[2].str());
  if (!finger) {
    return SendError(res, 404, "not_found", "no finger " + req.matches[2].str() + "; one of: " +
                                                node::FingerNames());
  }
  auto id = ResolveResident(ctx.node.store(), req.matches[1]);
  if (!id.ok()) return SendStatus(res, id.status());
  const node::Enrollee who{*id, session.officer, session.role};
  if (body->contains("exception")) {
    auto exception = RequireString(*body, "exception", res);
    if (!exception) return;
    if (*exception != "missing" && *exception != "unreadable") {
      return SendError(res, 400, "bad_field", "exception must be missing or unreadable");
    }
    auto seq = node::RecordFingerException(
        ctx.node, who, *finger,
        *exception == "missing" ? schema::FingerStatus::MISSING : schema::FingerStatus::UNREADABLE);
    if (!seq.ok()) return SendStatus(res, seq.status());
    return SendJson(res, 200, {{"id", *id}, {"finger", node::PartName(*finger)}, {"seq", *seq}});
  }
  if (body->value("capture", false) != true) {
    return SendError(res, 400, "missing_field", "give exception or capture");
  }
  auto record = ResidentJson(ctx.node.store(), *id);
  if (!record.ok()) return SendStatus(res, record.status());
  auto job = ctx.captures.Start(who, *finger);
  if (!job.ok()) return SendStatus(res, job.status());
  SendJson(res, 202, {{"capture", *job}});
}

}  // namespace

void AddEnrollmentRoutes(httplib::Server& server, ConsoleContext& ctx) {
  server.Post(R"(/api/residents/([^/]+)/photo)",
              Authed(ctx, Changes::kState,
                     [&ctx](const httplib::Request& req, httplib::Response& res,
                            const Session& session) { UploadPhoto(ctx, req, res, session); }));
  server.Post(R"(/api/residents/([^/]+)/fingers/([a-z-]+))",
              Authed(ctx, Changes::kState,
                     [&ctx](const httplib::Request& req, httplib::Response& res,
                            const Session& session) { Finger(ctx, req, res, session); }));
  server.Get(R"(/api/captures/([0-9a-f]+))",
             Authed(ctx, Changes::kNothing,
                    [&ctx](const httplib::Request& req, httplib::Response& res, const Session&) {
                      auto progress = ctx.captures.Progress(req.matches[1]);
                      if (!progress) return SendError(res, 404, "not_found", "no such capture");
                      SendJson(res, 200, *progress);
                    }));
}

}  // namespace dancu::console
