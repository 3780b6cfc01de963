// dancu-faultproxy: the link shaper as a pure unit under a fake clock, the command parser, and the
// real binary in front of an echo server — bytes unchanged, cut, stall/resume, cut-after, refuse,
// rate and latency measured from outside.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tools/faultproxy/command.h"
#include "tools/faultproxy/link_shaper.h"

namespace dancu::faultproxy {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using TimePoint = LinkShaper::TimePoint;

double Seconds(LinkShaper::Duration d) { return std::chrono::duration<double>(d).count(); }

// ---------------------------------------------------------------------------------------------
// LinkShaper under a fake clock.

TEST_CASE("shaper: a chunk waits out the latency, then leaves whole when the rate is unlimited") {
  const TimePoint t0{};
  LinkShaper shaper(t0, 0, 500ms);
  shaper.Push("hello", t0);
  CHECK(shaper.Ready(t0 + 499ms).empty());
  CHECK(shaper.NextReady(t0 + 499ms) == t0 + 500ms);
  CHECK(shaper.Ready(t0 + 500ms) == "hello");
  shaper.Consume(5);
  CHECK(shaper.empty());
  CHECK_FALSE(shaper.NextReady(t0 + 500ms).has_value());
}

TEST_CASE("shaper: a changed latency applies to later chunks, which never overtake earlier ones") {
  const TimePoint t0{};
  LinkShaper shaper(t0, 0, 500ms);
  shaper.Push("a", t0);
  shaper.SetLatency(0ms);
  shaper.Push("b", t0 + 10ms);
  CHECK(shaper.Ready(t0 + 10ms).empty());
  CHECK(shaper.Ready(t0 + 500ms) == "a");
  shaper.Consume(1);
  CHECK(shaper.Ready(t0 + 500ms) == "b");
}

TEST_CASE("shaper: 64 kbit/s moves 8,000 bytes a second after the first burst") {
  const TimePoint t0{};
  LinkShaper shaper(t0, 64'000, 0ms);
  shaper.Push(std::string(80'000, 'x'), t0);
  TimePoint now = t0;
  size_t moved = 0;
  while (!shaper.empty()) {
    now = *shaper.NextReady(now);
    const auto ready = shaper.Ready(now);
    REQUIRE_FALSE(ready.empty());
    shaper.Consume(ready.size());
    moved += ready.size();
  }
  CHECK(moved == 80'000);
  // (80,000 - burst) / 8,000 seconds, to within a millisecond of rounding per write.
  const double expected = (80'000 - shaper.burst_bytes()) / 8'000.0;
  CHECK(Seconds(now - t0) >= expected - 1e-6);
  CHECK(Seconds(now - t0) <= expected * 1.01);
}

TEST_CASE("shaper: never early, never above the rate, in order, over random traffic") {
  std::mt19937_64 rng(20240611);
  for (int round = 0; round < 60; ++round) {
    const uint64_t rates[] = {0, 8'000, 64'000, 1'000'000, 100'000'000};
    const uint64_t rate = rates[rng() % 5];
    const auto latency = std::chrono::milliseconds(rng() % 3 == 0 ? 0 : rng() % 800);
    INFO("round " << round << ": rate " << rate << " bps, latency " << latency.count() << " ms");
    const TimePoint t0 = TimePoint{} + std::chrono::hours(1);
    LinkShaper shaper(t0, rate, latency);
    const double burst = shaper.burst_bytes();

    // Chunks of 1..6000 bytes arriving 0..300 ms apart, each byte numbered by its position.
    std::vector<std::pair<TimePoint, std::string>> arrivals;
    TimePoint at = t0;
    std::string sent;
    for (int i = 0; i < 80; ++i) {
      at += std::chrono::microseconds(rng() % 300'000);
      std::string chunk(1 + rng() % 6000, '\0');
      for (char& c : chunk) c = static_cast<char>('a' + (sent.size() + (&c - chunk.data())) % 26);
      sent += chunk;
      arrivals.emplace_back(at, std::move(chunk));
    }
    std::vector<TimePoint> arrival_of_byte;
    for (const auto& [when, chunk] : arrivals) arrival_of_byte.insert(arrival_of_byte.end(), chunk.size(), when);

    // Event-driven: the next instant is an arrival or the shaper's own NextReady. Writes are
    // sometimes partial, as a socket's are.
    std::string received;
    std::vector<std::pair<TimePoint, size_t>> writes;  // (time, bytes)
    size_t next_arrival = 0;
    TimePoint now = t0;
    int steps = 0;
    while (next_arrival < arrivals.size() || !shaper.empty()) {
      REQUIRE(++steps < 1'000'000);
      std::optional<TimePoint> next = shaper.NextReady(now);
      if (next_arrival < arrivals.size() && (!next || arrivals[next_arrival].first < *next)) {
        now = std::max(now, arrivals[next_arrival].first);
        shaper.Push(arrivals[next_arrival].second, now);
        ++next_arrival;
        continue;
      }
      REQUIRE(next.has_value());
      REQUIRE(*next >= now);
      now = *next;
      const std::string_view ready = shaper.Ready(now);
      REQUIRE_FALSE(ready.empty());  // NextReady never promises what Ready will not give
      const size_t n = rng() % 4 == 0 ? 1 + rng() % ready.size() : ready.size();
      received.append(ready.substr(0, n));
      shaper.Consume(n);
      writes.emplace_back(now, n);
    }
    REQUIRE(received == sent);

    // Never earlier than latency after the byte was read (the last byte of a write came last).
    size_t position = 0;
    for (const auto& [when, n] : writes) {
      position += n;
      REQUIRE(when >= arrival_of_byte[position - 1] + latency);
    }
    // Over every interval [t_i, t_j] at most burst + rate * (t_j - t_i) bytes leave:
    // S_j - S_(i-1) - R t_j + R t_i <= burst, checked with a running maximum of R t_i - S_(i-1).
    if (rate != 0) {
      const double bytes_per_second = static_cast<double>(rate) / 8.0;
      double best = -1e300, total = 0;
      for (const auto& [when, n] : writes) {
        const double t = Seconds(when - t0);
        best = std::max(best, bytes_per_second * t - total);
        total += static_cast<double>(n);
        REQUIRE(total - bytes_per_second * t + best <= burst + 1e-6);
      }
    }
  }
}

TEST_CASE("shaper: a lower rate takes effect at once, a higher one is used up to its burst") {
  const TimePoint t0{};
  LinkShaper shaper(t0, 1'000'000, 0ms);
  const double fast_burst = shaper.burst_bytes();  // 2,500 bytes
  shaper.SetRate(8'000, t0);
  CHECK(shaper.burst_bytes() == 512);
  shaper.Push(std::string(10'000, 'x'), t0);
  CHECK(shaper.Ready(t0).size() == 512);
  shaper.Consume(512);
  CHECK(shaper.Ready(t0).empty());
  shaper.SetRate(1'000'000, t0 + 1s);
  CHECK(static_cast<double>(shaper.Ready(t0 + 1s).size()) <= fast_burst);
}

// ---------------------------------------------------------------------------------------------
// Command parsing.

TEST_CASE("commands: parsed with their arguments; bad lines are errors") {
  CHECK(ParseCommand("cut")->kind == Command::Kind::kCut);
  CHECK(ParseCommand("  stall \r")->kind == Command::Kind::kStall);
  CHECK(ParseCommand("")->kind == Command::Kind::kNone);
  CHECK(ParseCommand("# a comment")->kind == Command::Kind::kNone);
  CHECK(ParseCommand("rate 64k")->value == 64'000);
  CHECK(ParseCommand("rate 1.5M")->value == 1'500'000);
  CHECK(ParseCommand("rate 0")->value == 0);
  CHECK(ParseCommand("latency 500")->kind == Command::Kind::kLatency);
  CHECK(ParseCommand("latency 500")->value == 500);
  CHECK(ParseCommand("cut-after 12345")->value == 12345);
  CHECK(ParseCommand("cut-after off")->kind == Command::Kind::kCutAfterOff);
  CHECK_FALSE(ParseCommand("cut-after 0").ok());
  CHECK_FALSE(ParseCommand("cut now").ok());
  CHECK_FALSE(ParseCommand("rate").ok());
  CHECK_FALSE(ParseCommand("rate fast").ok());
  CHECK_FALSE(ParseCommand("latency -1").ok());
  CHECK_FALSE(ParseCommand("explode").ok());
}

// ---------------------------------------------------------------------------------------------
// The real binary.

int ListenLoopback(int* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(fd, 64) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  *port = ntohs(address.sin_port);
  return fd;
}

// Echoes every byte of every connection back, each connection on its own thread.
class EchoServer {
 public:
  EchoServer() {
    listen_fd_ = ListenLoopback(&port_);
    acceptor_ = std::thread([this] {
      while (true) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;  // shut down
        std::lock_guard lock(mutex_);
        clients_.push_back(fd);
        workers_.emplace_back([fd] {
          char buffer[16384];
          ssize_t n;
          while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
            for (ssize_t off = 0; off < n;) {
              const ssize_t w = ::send(fd, buffer + off, static_cast<size_t>(n - off), MSG_NOSIGNAL);
              if (w <= 0) return;
              off += w;
            }
          }
          ::shutdown(fd, SHUT_WR);
        });
      }
    });
  }
  ~EchoServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    std::lock_guard lock(mutex_);
    for (int fd : clients_) ::shutdown(fd, SHUT_RDWR);
    for (auto& worker : workers_) worker.join();
    for (int fd : clients_) ::close(fd);
  }
  int port() const { return port_; }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> clients_;
  std::vector<std::thread> workers_;
};

// A running dancu-faultproxy: commands go to its stdin, events are read from its stderr.
class FaultProxy {
 public:
  explicit FaultProxy(int target_port, std::vector<std::string> extra = {}) {
    int in[2], out[2], err[2];
    REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
    std::vector<std::string> args = {DANCU_FAULTPROXY, "--listen", "127.0.0.1:0", "--target",
                                     "127.0.0.1:" + std::to_string(target_port)};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    stderr_ = err[0];
    std::string line = ReadLine(stdout_, stdout_pending_, 5000);
    const std::string prefix = "faultproxy: listening 127.0.0.1:";
    REQUIRE(line.rfind(prefix, 0) == 0);
    port_ = std::stoi(line.substr(prefix.size()));
    REQUIRE(port_ > 0);
  }
  ~FaultProxy() {
    Send("quit");
    const auto deadline = Clock::now() + 5s;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    ::close(stdin_);
    ::close(stdout_);
    ::close(stderr_);
  }
  int port() const { return port_; }

  void Send(const std::string& command) {
    const std::string line = command + "\n";
    (void)!::write(stdin_, line.data(), line.size());
  }
  // Sends a command and waits for the event that acknowledges it.
  void Command(const std::string& command, const std::string& acknowledgement) {
    Send(command);
    REQUIRE(WaitForEvent(acknowledgement));
  }
  // Reads events until one contains `text`; false after `timeout_ms`.
  bool WaitForEvent(const std::string& text, int timeout_ms = 5000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      std::string line = ReadLine(stderr_, stderr_pending_, static_cast<int>(left.count()));
      if (line.empty()) continue;
      events_ += line + "\n";
      if (line.find(text) != std::string::npos) return true;
    }
    UNSCOPED_INFO("events so far:\n" << events_);
    return false;
  }

 private:
  // One line (without '\n'), or "" on timeout or end of file.
  static std::string ReadLine(int fd, std::string& pending, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      const size_t newline = pending.find('\n');
      if (newline != std::string::npos) {
        std::string line = pending.substr(0, newline);
        pending.erase(0, newline + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return "";
      pollfd pfd{fd, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) return "";
      pending.append(buffer, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int stdin_ = -1, stdout_ = -1, stderr_ = -1;
  std::string stdout_pending_, stderr_pending_, events_;
  int port_ = 0;
};

// A blocking client socket with timed reads.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }

  bool SendAll(const std::string& bytes) {
    for (size_t off = 0; off < bytes.size();) {
      const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  enum class End { kComplete, kTimeout, kEof, kReset };
  // Reads until `want` bytes arrived, the stream ended or `timeout_ms` passed.
  End Read(size_t want, std::string& into, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (into.size() < want) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return End::kTimeout;
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
      char buffer[65536];
      const ssize_t n = ::recv(fd_, buffer, std::min(sizeof buffer, want - into.size()), 0);
      if (n == 0) return End::kEof;
      if (n < 0) return End::kReset;
      into.append(buffer, static_cast<size_t>(n));
    }
    return End::kComplete;
  }
  std::string Echo(const std::string& bytes, int timeout_ms = 5000) {
    REQUIRE(SendAll(bytes));
    std::string back;
    Read(bytes.size(), back, timeout_ms);
    return back;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  return bytes;
}

TEST_CASE("faultproxy: bytes pass unchanged on several connections at once") {
  signal(SIGPIPE, SIG_IGN);
  EchoServer echo;
  FaultProxy proxy(echo.port());
  constexpr int kConnections = 4;
  std::vector<std::string> received(kConnections);
  std::vector<std::thread> threads;
  std::atomic<int> complete{0};
  for (int i = 0; i < kConnections; ++i) {
    threads.emplace_back([&, i] {
      Client client(proxy.port());
      if (!client.connected()) return;
      const std::string bytes = RandomBytes(3'000'000, static_cast<uint64_t>(i));
      std::thread writer([&] {
        client.SendAll(bytes);
        client.ShutdownWrite();
      });
      std::string back;
      const auto end = client.Read(bytes.size() + 1, back, 30'000);
      writer.join();
      if (end == Client::End::kEof && back == bytes) ++complete;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(complete == kConnections);
  CHECK(proxy.WaitForEvent("closed: client->target 3000000 bytes, target->client 3000000 bytes"));
}

TEST_CASE("faultproxy: cut resets open connections; a new connection then works") {
  signal(SIGPIPE, SIG_IGN);
  EchoServer echo;
  FaultProxy proxy(echo.port());
  Client first(proxy.port());
  REQUIRE(first.Echo("before the cut") == "before the cut");
  proxy.Command("cut", "connection 1 cut after 28 bytes (cut)");
  CHECK(proxy.WaitForEvent("cut 1 connections"));
  std::string after;
  CHECK(first.Read(1, after, 5000) == Client::End::kReset);

  Client second(proxy.port());
  CHECK(second.Echo("after the cut") == "after the cut");
}

TEST_CASE("faultproxy: stall holds bytes back until resume") {
  signal(SIGPIPE, SIG_IGN);
  EchoServer echo;
  FaultProxy proxy(echo.port());
  Client client(proxy.port());
  REQUIRE(client.Echo("ping") == "ping");
  proxy.Command("stall", "stalled");
  REQUIRE(client.SendAll("held"));
  std::string back;
  CHECK(client.Read(4, back, 700) == Client::End::kTimeout);
  CHECK(back.empty());
  proxy.Command("resume", "resumed");
  CHECK(client.Read(4, back, 5000) == Client::End::kComplete);
  CHECK(back == "held");
}

TEST_CASE("faultproxy: cut-after cuts in the middle of a transfer, at exactly that many bytes") {
  signal(SIGPIPE, SIG_IGN);
  EchoServer echo;
  FaultProxy proxy(echo.port());
  proxy.Command("cut-after 100000", "cut-after 100000 bytes");
  {
    Client client(proxy.port());
    const std::string bytes = RandomBytes(1'000'000, 7);
    std::thread writer([&] { client.SendAll(bytes); });
    std::string back;
    const auto end = client.Read(bytes.size(), back, 20'000);
    writer.join();
    CHECK((end == Client::End::kReset || end == Client::End::kEof));
    CHECK(back.size() < 100'000);
    CHECK(back == bytes.substr(0, back.size()));
    CHECK(proxy.WaitForEvent("connection 1 cut after 100000 bytes (cut-after)"));
  }
  proxy.Command("cut-after off", "cut-after off");
  Client again(proxy.port());
  const std::string big = RandomBytes(200'000, 8);
  std::thread writer([&] { again.SendAll(big); });
  std::string back;
  CHECK(again.Read(big.size(), back, 20'000) == Client::End::kComplete);
  writer.join();
  CHECK(back == big);
}

TEST_CASE("faultproxy: refuse resets new connections until accept") {
  signal(SIGPIPE, SIG_IGN);
  EchoServer echo;
  FaultProxy proxy(echo.port());
  proxy.Command("refuse", "refusing new connections");
  {
    Client refused(proxy.port());
    if (refused.connected()) {
      std::string back;
      refused.SendAll("x");
      const auto end = refused.Read(1, back, 5000);
      CHECK((end == Client::End::kReset || end == Client::End::kEof));
    }
    CHECK(proxy.WaitForEvent("refused"));
  }
  proxy.Command("accept", "accepting new connections");
  Client accepted(proxy.port());
  CHECK(accepted.Echo("welcome") == "welcome");
}

TEST_CASE("faultproxy: 64 kbit/s moves about 8 KB a second") {
  signal(SIGPIPE, SIG_IGN);
  EchoServer echo;
  FaultProxy proxy(echo.port(), {"--rate-bps", "64k"});
  Client client(proxy.port());
  // Both directions are limited separately and pipelined: the echo takes about as long as one.
  const std::string bytes = RandomBytes(16'000, 9);
  const auto start = Clock::now();
  std::thread writer([&] { client.SendAll(bytes); });
  std::string back;
  CHECK(client.Read(bytes.size(), back, 20'000) == Client::End::kComplete);
  writer.join();
  const double seconds = Seconds(Clock::now() - start);
  INFO("16,000 bytes echoed at 64 kbit/s in " << seconds << " s (about 1.9 s expected)");
  CHECK(back == bytes);
  CHECK(seconds > 1.5);
  CHECK(seconds < 6.0);

  // And the rate can be lifted at run time.
  proxy.Command("rate 0", "rate 0 bps");
  const auto fast = Clock::now();
  CHECK(client.Echo(RandomBytes(100'000, 10).substr(0, 50'000)).size() == 50'000);
  CHECK(Seconds(Clock::now() - fast) < 1.0);
}

TEST_CASE("faultproxy: latency delays each direction") {
  signal(SIGPIPE, SIG_IGN);
  EchoServer echo;
  FaultProxy proxy(echo.port(), {"--latency-ms", "200"});
  Client client(proxy.port());
  REQUIRE(client.Echo("warm up") == "warm up");
  const auto start = Clock::now();
  CHECK(client.Echo("ping") == "ping");
  const double round_trip = Seconds(Clock::now() - start);
  INFO("round trip " << round_trip << " s");
  CHECK(round_trip >= 0.4);
  CHECK(round_trip < 1.5);
  proxy.Command("latency 0", "latency 0 ms");
  const auto quick = Clock::now();
  CHECK(client.Echo("pong") == "pong");
  CHECK(Seconds(Clock::now() - quick) < 0.2);
}

TEST_CASE("faultproxy: a target that is down resets the client; the proxy keeps running") {
  signal(SIGPIPE, SIG_IGN);
  int port = 0;
  const int placeholder = ListenLoopback(&port);
  ::close(placeholder);  // nothing listens on `port` now
  FaultProxy proxy(port);
  Client client(proxy.port());
  std::string back;
  if (client.connected()) {
    const auto end = client.Read(1, back, 5000);
    CHECK((end == Client::End::kReset || end == Client::End::kEof));
  }
  CHECK(proxy.WaitForEvent("connecting to the target failed"));
  proxy.Command("status", "status:");
}

}  // namespace
}  // namespace dancu::faultproxy
