// dancu enroll finger|photo, dancu verify: biometric enrollment at the commune, with the
// fingerprint reader (libfprint) and the rules of node/enrollment.h and node/finger_capture.h.
//
// Reader prompts go to stdout as they happen, one line each, flushed: in text, a line that starts
// with "place " asks for the finger (tools/fixtures' dancu-virtual-finger answers those lines);
// with --json, one JSON object per line, {"event": "place_finger", ...}. Nothing biometric is
// printed: prompts, record ids, finger names and content hashes only.
#include <chrono>
#include <iostream>
#include <memory>

#include "devices/fingerprint_reader.h"
#include "node/enrollment.h"
#include "node/files.h"
#include "node/finger_capture.h"
#include "storage/hlc.h"
#include "tools/dancu/cli.h"

namespace dancu::tools {

namespace {

using nlohmann::json;

// Options of the commands that use the reader.
struct ReaderOptions {
  std::string device;  // empty: the first reader
  int timeout_seconds = 60;

  void AddTo(CLI::App* command) {
    command->add_option("--device", device,
                        "reader id, as libfprint lists it (default: the first)");
    command
        ->add_option("--timeout", timeout_seconds, "seconds to wait at each capture (default 60)")
        ->check(CLI::Range(1, 3600));
  }
};

// The fingerprint subsystem with the chosen reader open.
struct OpenReader {
  std::unique_ptr<devices::FingerprintReader> reader;
  devices::DeviceInfo device;
};

Result<OpenReader> StartReader(const ReaderOptions& options) {
  auto started = devices::FingerprintReader::Start();
  if (!started.ok()) return Status::IOError(started.error().message());
  OpenReader open{std::move(started).value(), {}};
  const std::vector<devices::DeviceInfo> devices = open.reader->ListDevices().get();
  if (devices.empty()) return Status::FailedPrecondition("no fingerprint reader found");
  std::string ids;
  for (const devices::DeviceInfo& d : devices) {
    ids += (ids.empty() ? "" : ", ") + d.id;
    if (options.device.empty() || d.id == options.device) {
      open.device = d;
      break;
    }
  }
  if (open.device.id.empty()) {
    return Status::NotFound("no fingerprint reader " + options.device + " (found: " + ids + ")");
  }
  devices::Result<void> opened = open.reader->Open(open.device.id).get();
  if (!opened.ok()) return Status::IOError(opened.error().message());
  return open;
}

// Prints one progress line (text) or event (JSON), flushed for whoever reads stdout.
void Say(bool as_json, const json& event, const std::string& text) {
  if (as_json) {
    PrintJson(event);
  } else {
    std::cout << text << "\n";
  }
  std::cout.flush();
}

// The capture of `reader`, printing its progress; `what` names the finger to place.
node::Capture CaptureWith(const OpenReader& reader, const ReaderOptions& options, bool as_json,
                          const std::string& what, const std::string& check_prompt) {
  node::Capture capture;
  capture.reader = reader.reader.get();
  capture.device = reader.device;
  capture.timeout = std::chrono::seconds(options.timeout_seconds);
  capture.on_event = [as_json, what, check_prompt](const node::CaptureEvent& e) {
    using Kind = node::CaptureEvent::Kind;
    const std::string of = std::to_string(e.stage) + " of " + std::to_string(e.stages);
    switch (e.kind) {
      case Kind::kPlaceFinger:
        if (e.check)
          return Say(as_json, {{"event", "place_finger"}, {"check", true}}, check_prompt);
        return Say(as_json, {{"event", "place_finger"}, {"stage", e.stage}, {"stages", e.stages}},
                   "place " + what + " on the reader (capture " + of + ")");
      case Kind::kCaptured:
        return Say(as_json, {{"event", "captured"}, {"stage", e.stage}, {"stages", e.stages}},
                   "capture " + of + " accepted");
      case Kind::kRetry:
        return Say(as_json, {{"event", "retry"}, {"reason", e.reason}},
                   "capture not usable, try again: " + e.reason);
    }
  };
  return capture;
}

void AnnounceReader(const OpenReader& reader, bool as_json, const std::string& plan) {
  Say(as_json,
      {{"event", "reader"},
       {"device", reader.device.id},
       {"name", reader.device.name},
       {"stages", reader.device.enroll_stages}},
      "reader " + reader.device.id + " (" + reader.device.name + "): " + plan);
}

struct FingerOptions {
  NodeOptions node;
  ReaderOptions reader;
  std::string resident, finger, exception;
};

// Parses --finger; the error names the ten choices.
Result<node::BiometricPart> FingerOf(const std::string& name) {
  auto finger = node::ParseFinger(name);
  if (!finger) {
    return Status::InvalidArgument("unknown finger " + name + "; one of: " + node::FingerNames());
  }
  return *finger;
}

void RecordException(Runner& runner, const FingerOptions& opts, WriteSession& session,
                     const node::Enrollee& who, node::BiometricPart finger) {
  const bool as_json = opts.node.json;
  const auto status = opts.exception == "missing" ? schema::FingerStatus::MISSING
                                                  : schema::FingerStatus::UNREADABLE;
  auto seq = node::RecordFingerException(*session.node, who, finger, status);
  if (!seq.ok()) return runner.Fail(seq.status(), as_json);
  Say(as_json,
      {{"event", "exception"},
       {"id", who.record_id},
       {"finger", node::PartName(finger)},
       {"status", opts.exception},
       {"seq", *seq}},
      "recorded the " + node::PartName(finger) + " of " + who.record_id + " as " + opts.exception +
          " (change " + std::to_string(*seq) + ")");
}

void EnrollFinger(Runner& runner, const FingerOptions& opts) {
  const bool as_json = opts.node.json;
  auto finger = FingerOf(opts.finger);
  if (!finger.ok()) return runner.Fail(finger.status(), as_json);
  auto session = OpenForWriting(opts.node);
  if (!session.ok()) return runner.Fail(session.status(), as_json);
  node::Node& node = *session->node;
  auto id = ResolveRecord(node.store(), opts.resident);
  if (!id.ok()) return runner.Fail(id.status(), as_json);
  const node::Enrollee who{*id, session->officer, session->role};
  if (!opts.exception.empty()) return RecordException(runner, opts, *session, who, *finger);

  auto keys = node::LoadBiometricKeys(node, storage::HybridClock::SystemMillis());
  if (!keys.ok()) return runner.Fail(keys.status(), as_json);
  Status enrollable = node::CheckEnrollable(node, who.record_id);
  if (!enrollable.ok()) return runner.Fail(enrollable, as_json);
  auto reader = StartReader(opts.reader);
  if (!reader.ok()) return runner.Fail(reader.status(), as_json);
  const std::string name = node::PartName(*finger);
  AnnounceReader(*reader, as_json,
                 std::to_string(reader->device.enroll_stages) + " captures, then one to check");
  const node::Capture capture =
      CaptureWith(*reader, opts.reader, as_json, "the " + name + " finger",
                  "place the " + name + " finger on the reader once more, to check it");
  auto enrolled = node::EnrollFinger(node, *keys, who, *finger, capture);
  if (!enrolled.ok()) return runner.Fail(enrolled.status(), as_json);
  if (!enrolled->duplicate) {
    return Say(
        as_json,
        {{"event", "enrolled"}, {"id", who.record_id}, {"finger", name}, {"seq", enrolled->seq}},
        "enrolled the " + name + " of " + who.record_id + " (change " +
            std::to_string(enrolled->seq) + ")");
  }
  const node::TemplateOwner& match = *enrolled->match;
  Say(as_json,
      {{"event", "duplicate_case"},
       {"id", who.record_id},
       {"finger", name},
       {"matches", {{"id", match.record_id}, {"finger", node::PartName(match.finger)}}},
       {"case", enrolled->duplicate->key},
       {"seq", enrolled->seq}},
      "not enrolled: this print matches the " + node::PartName(match.finger) + " of record " +
          match.record_id + "; duplicate case " + enrolled->duplicate->key +
          " is open for central's review (change " + std::to_string(enrolled->seq) + ")");
  runner.Set(kExitRejected);
}

void AddEnrollFinger(CLI::App& group, Runner& runner) {
  auto opts = std::make_shared<FingerOptions>();
  auto* cmd = group.add_subcommand(
      "finger",
      "enroll a finger with the reader (checked against every print held here), or "
      "record it as missing or unreadable");
  opts->node.AddTo(cmd, true);
  opts->reader.AddTo(cmd);
  cmd->add_option("resident", opts->resident, "record id or 12-digit citizen number")->required();
  cmd->add_option("--finger", opts->finger, "right-thumb, right-index, ..., left-little")
      ->required();
  cmd->add_option("--exception", opts->exception,
                  "record the finger as missing or unreadable instead of capturing it")
      ->check(CLI::IsMember({"missing", "unreadable"}));
  cmd->callback([opts, &runner] { EnrollFinger(runner, *opts); });
}

void AddEnrollPhoto(CLI::App& group, Runner& runner) {
  struct Options {
    NodeOptions node;
    std::string resident, file;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = group.add_subcommand("photo", "enroll a resident's photo (JPEG or PNG)");
  opts->node.AddTo(cmd, true);
  cmd->add_option("resident", opts->resident, "record id or 12-digit citizen number")->required();
  cmd->add_option("file", opts->file, "the photo: a JPEG or PNG file of at most 2 MiB")->required();
  cmd->callback([opts, &runner] {
    const bool as_json = opts->node.json;
    auto session = OpenForWriting(opts->node);
    if (!session.ok()) return runner.Fail(session.status(), as_json);
    node::Node& node = *session->node;
    auto id = ResolveRecord(node.store(), opts->resident);
    if (!id.ok()) return runner.Fail(id.status(), as_json);
    auto keys = node::LoadBiometricKeys(node, storage::HybridClock::SystemMillis());
    if (!keys.ok()) return runner.Fail(keys.status(), as_json);
    auto photo = node::ReadWholeFile(opts->file);
    if (!photo.ok()) return runner.Fail(photo.status(), as_json);
    auto seq = node::StorePhoto(node, *keys, {*id, session->officer, session->role}, *photo);
    if (!seq.ok()) return runner.Fail(seq.status(), as_json);
    Say(as_json, {{"event", "enrolled"}, {"id", *id}, {"part", "photo"}, {"seq", *seq}},
        "enrolled the photo of " + *id + " (change " + std::to_string(*seq) + ")");
  });
}

void AddVerify(CLI::App& app, Runner& runner) {
  auto opts = std::make_shared<FingerOptions>();
  auto* cmd = app.add_subcommand("verify", "capture a finger and verify it against the resident's");
  opts->node.AddTo(cmd, true);
  opts->reader.AddTo(cmd);
  cmd->add_option("resident", opts->resident, "record id or 12-digit citizen number")->required();
  cmd->add_option("--finger", opts->finger, "the finger to verify (default: any enrolled one)");
  cmd->callback([opts, &runner] {
    const bool as_json = opts->node.json;
    std::optional<node::BiometricPart> finger;
    if (!opts->finger.empty()) {
      auto parsed = FingerOf(opts->finger);
      if (!parsed.ok()) return runner.Fail(parsed.status(), as_json);
      finger = *parsed;
    }
    auto session = OpenForWriting(opts->node);
    if (!session.ok()) return runner.Fail(session.status(), as_json);
    auto id = ResolveRecord(session->node->store(), opts->resident);
    if (!id.ok()) return runner.Fail(id.status(), as_json);
    auto reader = StartReader(opts->reader);
    if (!reader.ok()) return runner.Fail(reader.status(), as_json);
    AnnounceReader(*reader, as_json, "one capture");
    const std::string what =
        finger ? "the " + node::PartName(*finger) + " finger" : "an enrolled finger";
    const node::Capture capture =
        CaptureWith(*reader, opts->reader, as_json, what, "place " + what + " on the reader");
    auto verified = node::VerifyFinger(*session->node, *id, finger, capture);
    if (!verified.ok()) return runner.Fail(verified.status(), as_json);
    json event = {{"event", "verified"}, {"id", *id}, {"match", verified->matched.has_value()}};
    if (verified->matched) {
      event["finger"] = node::PartName(*verified->matched);
      return Say(as_json, event, "match: the " + node::PartName(*verified->matched) + " of " + *id);
    }
    Say(as_json, event, "no match: the finger is not " + *id + "'s");
    runner.Set(kExitRejected);
  });
}

}  // namespace

void AddEnrollCommands(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("enroll", "enroll a resident's fingers and photo for the CCCD");
  group->require_subcommand(1);
  AddEnrollFinger(*group, runner);
  AddEnrollPhoto(*group, runner);
  AddVerify(app, runner);
}

}  // namespace dancu::tools
