#include "tests/support/console_client.h"

#include <catch2/catch.hpp>
#include <chrono>

namespace dancu::testing {

using nlohmann::json;

ConsoleClient::ConsoleClient(const ServeProcess& server) : client_(server.url()) {
  client_.set_read_timeout(std::chrono::seconds(30));
  client_.enable_server_certificate_verification(false);  // the tests' self-signed certificates
}

httplib::Result ConsoleClient::Login(const std::string& body) {
  auto res = client_.Post("/api/login", body, "application/json");
  REQUIRE(res);
  if (res->status == 200) {
    const std::string set_cookie = res->get_header_value("Set-Cookie");
    cookie = set_cookie.substr(0, set_cookie.find(';'));
    csrf = json::parse(res->body)["csrf_token"];
  }
  return res;
}

void ConsoleClient::LogIn() {
  auto res = Login(json{{"officer", "officer.an"}, {"password", kOfficerPassword}}.dump());
  INFO(res->body);
  REQUIRE(res->status == 200);
}

httplib::Result ConsoleClient::Get(const std::string& path) {
  auto res = client_.Get(path.c_str(), Headers(false));
  REQUIRE(res);
  return res;
}

httplib::Result ConsoleClient::Post(const std::string& path, const std::string& body,
                                    const std::string& type) {
  auto res = client_.Post(path.c_str(), Headers(true), body, type.c_str());
  REQUIRE(res);
  return res;
}

httplib::Result ConsoleClient::Put(const std::string& path, const std::string& body) {
  auto res = client_.Put(path.c_str(), Headers(true), body, "application/json");
  REQUIRE(res);
  return res;
}

httplib::Result ConsoleClient::Delete(const std::string& path) {
  auto res = client_.Delete(path.c_str(), Headers(true));
  REQUIRE(res);
  return res;
}

httplib::Headers ConsoleClient::Headers(bool changes) const {
  httplib::Headers headers = extra;
  if (!cookie.empty()) headers.emplace("Cookie", cookie);
  if (changes && !csrf.empty()) headers.emplace("X-CSRF-Token", csrf);
  return headers;
}

json ExpectError(const httplib::Result& res, int status, const std::string& code) {
  INFO(res->status << " " << res->body);
  REQUIRE(res->status == status);
  REQUIRE(res->get_header_value("Content-Type") == "application/json");
  json body = json::parse(res->body);
  CHECK(body["error"]["code"] == code);
  CHECK_FALSE(body["error"]["message"].get<std::string>().empty());
  return body;
}

json ExpectJson(const httplib::Result& res, int status) {
  INFO(res->status << " " << res->body);
  REQUIRE(res->status == status);
  return json::parse(res->body);
}

}  // namespace dancu::testing
