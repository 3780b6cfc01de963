// The web console under attack, through a real `dancu serve --http` process over loopback: huge
// and endless bodies, slow clients, a second server on its port, password guessing (parallel,
// spread over names, timed), session floods, and TLS. Each attack gets a clear answer and leaves
// the console serving the others.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "tests/support/commune_cli.h"
#include "tests/support/console_client.h"
#include "tests/support/process.h"
#include "tests/support/serve_process.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string LoginBody(const std::string& officer, const std::string& password) {
  return json{{"officer", officer}, {"password", password}}.dump();
}

// A TCP connection to the console, for what no well-behaved client sends.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  // Everything the server sends until it closes (or 30 s pass).
  std::string ReadAll() {
    std::string got;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd_, buf, sizeof(buf), 0)) > 0) got.append(buf, static_cast<size_t>(n));
    return got;
  }

 private:
  const int fd_;
};

// The process's peak resident memory, in MiB.
size_t PeakRssMiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoul(line.substr(6)) / 1024;
  }
  FAIL("no VmHWM for " << pid);
  return 0;
}

std::string Head(const ServeProcess& server, const std::string& request_line, const std::string& headers) {
  return request_line + "\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
         "\r\nContent-Type: application/json\r\n" + headers + "\r\n";
}

// Sends `head` and then up to `total` bytes of `chunk` pieces (stopping when the server stops
// reading); returns the server's answer ("" if it only closed).
std::string Flood(const ServeProcess& server, const std::string& head, const std::string& chunk,
                  size_t total) {
  RawConnection conn(server.port());
  REQUIRE(conn.Send(head));
  for (size_t sent = 0; sent < total; sent += chunk.size()) {
    if (!conn.Send(chunk)) break;
  }
  return conn.ReadAll();
}

TEST_CASE("huge bodies of every transfer coding are refused, before and after login, in bounded memory") {
  CommuneCli cli;
  const std::string before = cli.StateHash();
  ServeProcess server(cli.data());
  ConsoleClient browser(server);
  browser.LogIn();
  const size_t rss_before = PeakRssMiB(server.pid());
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";  // 64 KiB chunks
  const size_t gib = size_t{1} << 30;

  SECTION("chunked, before login: cut off at the limit") {
    const std::string answer =
        Flood(server, Head(server, "POST /api/login HTTP/1.1", "Transfer-Encoding: chunked\r\n"), chunk, gib);
    if (!answer.empty()) CHECK_THAT(answer, Catch::StartsWith("HTTP/1.1 413"));
  }
  SECTION("chunked, after login") {
    const std::string answer = Flood(
        server,
        Head(server, "POST /api/residents HTTP/1.1",
             "Transfer-Encoding: chunked\r\nCookie: " + browser.cookie + "\r\nX-CSRF-Token: " + browser.csrf + "\r\n"),
        chunk, gib);
    if (!answer.empty()) CHECK_THAT(answer, Catch::StartsWith("HTTP/1.1 413"));
  }
  SECTION("no length at all: refused before reading") {
    const std::string answer =
        Flood(server, Head(server, "POST /api/login HTTP/1.1", ""), std::string(0x10000, 'x'), gib);
    CHECK_THAT(answer, Catch::StartsWith("HTTP/1.1 411"));
  }
  SECTION("a declared length over the limit: refused before reading") {
    RawConnection conn(server.port());
    REQUIRE(conn.Send(Head(server, "POST /api/login HTTP/1.1", "Content-Length: 1073741824\r\n")));
    const std::string answer = conn.ReadAll();
    CHECK_THAT(answer, Catch::StartsWith("HTTP/1.1 413"));
    CHECK_THAT(answer, Catch::Contains("too_large"));
  }
  SECTION("a compressed body: refused before reading") {
    const std::string answer = Flood(
        server, Head(server, "POST /api/login HTTP/1.1", "Content-Encoding: gzip\r\nContent-Length: 100\r\n"),
        std::string(100, 'x'), 100);
    CHECK_THAT(answer, Catch::StartsWith("HTTP/1.1 415"));
  }
  SECTION("an endless request line or header") {
    Flood(server, "POST /", std::string(0x10000, 'a'), gib / 4);
    Flood(server, "POST / HTTP/1.1\r\nX-Long: ", std::string(0x10000, 'a'), gib / 4);
  }
  const size_t rss_after = PeakRssMiB(server.pid());
  INFO("peak RSS " << rss_before << " MiB before, " << rss_after << " MiB after");
  CHECK(rss_after < rss_before + 64);
  // The console still answers, and nothing changed.
  CHECK(browser.Get("/api/session")->status == 200);
  REQUIRE(server.Stop() == 0);
  CHECK(cli.StateHash() == before);
}

TEST_CASE("slow clients do not keep the console from answering the others") {
  CommuneCli cli;
  ServeProcess server(cli.data());
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 100; ++i) {  // more than the console's connection cap
    slow.push_back(std::make_unique<RawConnection>(server.port()));
    slow.back()->Send("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // and never the rest
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ConsoleClient browser(server);
  const auto start = Clock::now();
  browser.LogIn();
  REQUIRE(browser.Get("/")->status == 200);
  const auto took = Clock::now() - start;
  CHECK(took < std::chrono::seconds(2));
  REQUIRE(server.Stop() == 0);
}

TEST_CASE("a second dancu serve on a port in use is refused with a clear error") {
  CommuneCli first, second;
  ServeProcess server(first.data());
  auto refused = RunDancu({"serve", "--data", second.data(), "--http", "127.0.0.1:" + std::to_string(server.port())});
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("in use"));
  ConsoleClient browser(server);
  browser.LogIn();  // the first one still has its port
  REQUIRE(server.Stop() == 0);
}

TEST_CASE("guesses spread over unknown names are throttled per client address") {
  CommuneCli cli;
  ServeProcess server(cli.data());
  ConsoleClient browser(server);
  int refused = 0;
  for (int i = 0; i < 30; ++i) {
    const std::string name = i % 5 == 4 ? "officer.an" : "nobody." + std::to_string(i);
    auto res = browser.Login(LoginBody(name, "guess " + std::to_string(i)));
    if (res->status == 429) {
      ++refused;
    } else {
      ExpectError(res, 401, "bad_credentials");
    }
  }
  CHECK(refused == 30 - 20);  // twenty failures a minute from one address
  ExpectError(browser.Login(LoginBody("officer.an", kOfficerPassword)), 429, "too_many_attempts");
  REQUIRE(server.Stop() == 0);
}

TEST_CASE("parallel guesses for one officer each count") {
  CommuneCli cli;
  ServeProcess server(cli.data());
  std::vector<int> statuses(16);
  std::vector<std::thread> guessers;
  for (size_t i = 0; i < statuses.size(); ++i) {
    guessers.emplace_back([&, i] {
      httplib::Client client(server.url());
      client.set_read_timeout(std::chrono::seconds(30));
      auto res = client.Post("/api/login", LoginBody("officer.an", "guess " + std::to_string(i)), "application/json");
      statuses[i] = res ? res->status : -1;
    });
  }
  for (auto& t : guessers) t.join();
  CHECK(std::count(statuses.begin(), statuses.end(), 401) == 5);
  CHECK(std::count(statuses.begin(), statuses.end(), 429) == 11);
  REQUIRE(server.Stop() == 0);
}

TEST_CASE("an unknown officer name takes as long to refuse as a known one to check") {
  CommuneCli cli;
  ServeProcess server(cli.data());
  ConsoleClient browser(server);
  std::vector<double> known, unknown;
  const auto timed = [&](const std::string& body) {
    const auto start = Clock::now();
    auto res = browser.Login(body);
    REQUIRE((res->status == 200 || res->status == 401));
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };
  for (int i = 0; i < 9; ++i) {  // interleaved, so that load on the machine hits both alike
    known.push_back(timed(LoginBody("officer.an", kOfficerPassword)));
    unknown.push_back(timed(LoginBody("nobody." + std::to_string(i), kOfficerPassword)));
  }
  std::sort(known.begin(), known.end());
  std::sort(unknown.begin(), unknown.end());
  const double k = known[known.size() / 2], u = unknown[unknown.size() / 2];
  INFO("median known " << k << " ms, unknown " << u << " ms");
  CHECK(u > 0.5 * k);
  CHECK(u < 2.0 * k);
  REQUIRE(server.Stop() == 0);
}

TEST_CASE("before login the console says only which unit's node it is") {
  CommuneCli cli;
  ServeProcess server(cli.data());
  ConsoleClient anyone(server);
  const auto node = ExpectJson(anyone.Get("/api/node"), 200);
  CHECK(node == nlohmann::json{{"role", "commune"}, {"unit", "00001"}, {"unit_name", "Phường Phúc Xá"}});
  ExpectError(anyone.Get("/api/session"), 401, "no_session");
  REQUIRE(server.Stop() == 0);
}

TEST_CASE("one officer's many logins never end another officer's session") {
  CommuneCli cli;
  cli.Expect({"officer", "add", "--data", cli.data(), "--name", "officer.binh"}, 0);
  ServeProcess server(cli.data());
  ConsoleClient binh(server);
  ExpectJson(binh.Login(LoginBody("officer.binh", kOfficerPassword)), 200);
  ConsoleClient an(server);
  std::vector<std::string> cookies;
  for (int i = 0; i < 40; ++i) {
    an.LogIn();
    cookies.push_back(an.cookie);
  }
  CHECK(ExpectJson(binh.Get("/api/session"), 200)["officer"] == "officer.binh");
  CHECK(an.Get("/api/session")->status == 200);
  an.cookie = cookies.front();  // an's own oldest sessions made room
  ExpectError(an.Get("/api/session"), 401, "no_session");
  REQUIRE(server.Stop() == 0);
}

TEST_CASE("off loopback the console needs TLS; with TLS it logs in over HTTPS with a Secure cookie") {
  CommuneCli cli;
  auto plain = RunDancu({"serve", "--data", cli.data(), "--http", "0.0.0.0:0"});
  CHECK(plain.exit_code == 1);
  CHECK_THAT(plain.err, Catch::Contains("needs TLS"));
  CHECK_THAT(plain.err, Catch::Contains("--tls-cert"));

  const std::string cert = cli.file("cert.pem"), key = cli.file("key.pem");
  REQUIRE(std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
                       "-subj /CN=127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null").c_str()) == 0);
  auto wrong_key = RunDancu({"serve", "--data", cli.data(), "--http", "127.0.0.1:0", "--tls-cert", cert,
                             "--tls-key", cert});
  CHECK(wrong_key.exit_code == 1);
  CHECK_THAT(wrong_key.err, Catch::Contains("TLS key"));

  ServeProcess server(cli.data(), {"--tls-cert", cert, "--tls-key", key});
  REQUIRE(server.url().rfind("https://", 0) == 0);
  ConsoleClient browser(server);
  auto res = browser.Login(LoginBody("officer.an", kOfficerPassword));
  REQUIRE(res->status == 200);
  CHECK_THAT(res->get_header_value("Set-Cookie"), Catch::Contains("; Secure"));
  CHECK(ExpectJson(browser.Get("/api/session"), 200)["officer"] == "officer.an");
  browser.extra = {{"Origin", server.url()}};
  CHECK(browser.Post("/api/logout", "{}")->status == 200);  // its https:// origin is its own
  httplib::Client cleartext("http://127.0.0.1:" + std::to_string(server.port()));
  cleartext.set_read_timeout(std::chrono::seconds(10));
  auto refused = cleartext.Get("/");
  CHECK((!refused || refused->status != 200));
  REQUIRE(server.Stop() == 0);
}

}  // namespace
}  // namespace dancu::testing
