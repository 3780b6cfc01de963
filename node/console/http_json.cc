#include "node/console/http_json.h"

#include "storage/disk_errors.h"
#include "storage/record_json.h"

namespace dancu::console {

using nlohmann::json;

void SendJson(httplib::Response& res, int http_status, const json& body) {
  res.status = http_status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void SendError(httplib::Response& res, int http_status, const std::string& code,
               const std::string& message) {
  SendJson(res, http_status, {{"error", {{"code", code}, {"message", message}}}});
}

void SendFieldErrors(httplib::Response& res, const storage::FieldErrors& errors) {
  json fields = json::array();
  std::string message;
  for (const auto& e : errors) {
    fields.push_back({{"field", e.field}, {"reason", e.reason}});
    if (!message.empty()) message += "; ";
    message += e.field.empty() ? e.reason : e.field + ": " + e.reason;
  }
  SendJson(res, 422,
           {{"error", {{"code", "rejected"}, {"message", message}, {"fields", fields}}}});
}

void SendStatus(httplib::Response& res, const Status& status) {
  using Code = Status::Code;
  switch (status.code()) {
    case Code::kOk:
      return SendJson(res, 200, json::object());
    case Code::kInvalidArgument:
      return SendError(res, 400, "invalid_argument", status.message());
    case Code::kNotFound:
      return SendError(res, 404, "not_found", status.message());
    case Code::kAlreadyExists:
      return SendError(res, 409, "already_exists", status.message());
    case Code::kPermissionDenied:
      return SendError(res, 403, "permission_denied", status.message());
    case Code::kFailedPrecondition:
      return SendError(res, 409, "failed_precondition", status.message());
    case Code::kIOError:  // the node's disk: full (507) or failing (503); reads go on meanwhile
      if (storage::IsDiskFull(status)) return SendError(res, 507, "disk_full", status.message());
      if (storage::IsDiskFailed(status)) return SendError(res, 503, "disk_error", status.message());
      return SendError(res, 500, "internal", status.ToString());
    case Code::kCorruption:
      return SendError(res, 500, "internal", status.ToString());
  }
  SendError(res, 500, "internal", status.ToString());
}

std::optional<json> ParseJsonBody(const httplib::Request& req, httplib::Response& res) {
  const std::string type = req.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) != 0) {
    SendError(res, 415, "unsupported_media_type", "send the body as application/json");
    return std::nullopt;
  }
  json body;
  storage::FieldErrors errors = storage::ParseJsonLine(req.body, &body);
  if (!errors.empty()) {
    SendError(res, 400, "invalid_json", errors.front().reason);
    return std::nullopt;
  }
  if (!body.is_object()) {
    SendError(res, 400, "invalid_json", "the body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

std::optional<std::string> RequireString(const json& body, const std::string& key,
                                         httplib::Response& res) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty())) {
    SendError(res, 400, "missing_field", "the field " + key + " is required");
    return std::nullopt;
  }
  if (!it->is_string()) {
    SendError(res, 400, "bad_field", "the field " + key + " must be a string");
    return std::nullopt;
  }
  return it->get<std::string>();
}

}  // namespace dancu::console
