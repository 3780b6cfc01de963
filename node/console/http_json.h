// JSON answers of the console's API, and the parsing of JSON request bodies.
//
// Every error is {"error": {"code": "...", "message": "..."}} with an HTTP status; a refused change
// adds "fields": [{"field": "birth_date", "reason": "..."}], one entry per field, so that the
// browser can show each reason beside its field. Codes are stable, lowercase words
// (invalid_json, missing_field, no_session, session_expired, csrf, bad_credentials, not_found,
// rejected, ...); messages are English, for the operator.
//
// Pure functions over the response they are given; thread-safe. Nothing throws.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "storage/status.h"
#include "storage/validation.h"

namespace dancu::console {

void SendJson(httplib::Response& res, int http_status, const nlohmann::json& body);
void SendError(httplib::Response& res, int http_status, const std::string& code,
               const std::string& message);
// 422 "rejected" with one entry per field error.
void SendFieldErrors(httplib::Response& res, const storage::FieldErrors& errors);
// The HTTP status and code for a Status from the node (404 not_found, 400 invalid_argument, ...).
void SendStatus(httplib::Response& res, const Status& status);

// The request's body as a JSON object. Sends 415 unless the body is application/json, 400
// invalid_json if it is not well-formed JSON (or not an object), and returns nullopt then.
std::optional<nlohmann::json> ParseJsonBody(const httplib::Request& req, httplib::Response& res);

// The string member `key` of `body`; sends 400 missing_field (absent or empty) or bad_field (not
// a string) and returns nullopt otherwise.
std::optional<std::string> RequireString(const nlohmann::json& body, const std::string& key,
                                         httplib::Response& res);

}  // namespace dancu::console
