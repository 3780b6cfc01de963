// Test support: an HTTP client of the web console that behaves like the console's own page — it
// keeps the session cookie and sends the CSRF token on changes — and can be made to misbehave
// (no cookie, a forged token, extra headers) by setting its members.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/serve_process.h"

namespace dancu::testing {

inline constexpr char kOfficerPassword[] = "mật khẩu của An";  // officer.an's, as CommuneCli makes it

class ConsoleClient {
 public:
  explicit ConsoleClient(const ServeProcess& server);

  // POST /api/login with `body`; keeps the cookie and CSRF token of a successful login.
  httplib::Result Login(const std::string& body);
  void LogIn();  // as officer.an, REQUIRing success

  httplib::Result Get(const std::string& path);
  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& type = "application/json");
  httplib::Result Put(const std::string& path, const std::string& body);  // JSON
  httplib::Result Delete(const std::string& path);

  std::string cookie;  // "dancu_session=..."
  std::string csrf;
  httplib::Headers extra;

 private:
  httplib::Headers Headers(bool changes) const;
  httplib::Client client_;
};

// REQUIREs a JSON error with `status` and `code` (and a message); returns the body.
nlohmann::json ExpectError(const httplib::Result& res, int status, const std::string& code);
// REQUIREs `status`; returns the body as JSON.
nlohmann::json ExpectJson(const httplib::Result& res, int status);

}  // namespace dancu::testing
