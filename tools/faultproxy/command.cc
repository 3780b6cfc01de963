#include "tools/faultproxy/command.h"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

namespace dancu::faultproxy {

namespace {

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

}  // namespace

Result<uint64_t> ParseCount(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("not a non-negative integer: '" + std::string(text) + "'");
  }
  return value;
}

Result<uint64_t> ParseRate(std::string_view text) {
  double multiplier = 1;
  std::string_view digits = text;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k': case 'K': multiplier = 1e3; break;
      case 'm': case 'M': multiplier = 1e6; break;
      case 'g': case 'G': multiplier = 1e9; break;
      default: break;
    }
    if (multiplier != 1) digits.remove_suffix(1);
  }
  double value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || !(value >= 0) ||
      value * multiplier > 1e15) {
    return Status::InvalidArgument("not a rate in bits per second: '" + std::string(text) + "'");
  }
  return static_cast<uint64_t>(std::llround(value * multiplier));
}

Result<Command> ParseCommand(std::string_view line) {
  const auto words = Words(line);
  if (words.empty() || words[0].front() == '#') return Command{};
  const std::string_view name = words[0];
  const std::string context = "command '" + std::string(line) + "'";
  struct Simple { std::string_view name; Command::Kind kind; };
  static constexpr Simple kSimple[] = {
      {"cut", Command::Kind::kCut},         {"stall", Command::Kind::kStall},
      {"resume", Command::Kind::kResume},   {"refuse", Command::Kind::kRefuse},
      {"accept", Command::Kind::kAccept},   {"status", Command::Kind::kStatus},
      {"quit", Command::Kind::kQuit}};
  for (const auto& simple : kSimple) {
    if (name != simple.name) continue;
    if (words.size() != 1) return Status::InvalidArgument(context + ": takes no argument");
    return Command{simple.kind, 0};
  }
  if (name != "rate" && name != "latency" && name != "cut-after") {
    return Status::InvalidArgument(context + ": unknown command");
  }
  if (words.size() != 2) return Status::InvalidArgument(context + ": takes one argument");
  if (name == "cut-after" && words[1] == "off") return Command{Command::Kind::kCutAfterOff, 0};
  Result<uint64_t> value = name == "rate" ? ParseRate(words[1]) : ParseCount(words[1]);
  if (!value.ok()) return Status::InvalidArgument(context + ": " + value.status().message());
  if (name == "rate") return Command{Command::Kind::kRate, *value};
  if (name == "latency") return Command{Command::Kind::kLatency, *value};
  if (*value == 0) return Status::InvalidArgument(context + ": needs at least 1 byte");
  return Command{Command::Kind::kCutAfter, *value};
}

}  // namespace dancu::faultproxy
