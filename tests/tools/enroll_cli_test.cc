// Enrollment with the dancu command and libfprint's own virtual readers, no mocks: virtual_image
// fed the NIST prints (real minutiae detection and bozorth3 matching), virtual_device scripted to
// fail. Every failure is clear and changes nothing; no output carries biometric data.
#include <catch2/catch.hpp>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "node/biometric_crypto.h"
#include "node/biometric_gallery.h"
#include "node/node.h"
#include "tests/support/commune_cli.h"
#include "tests/support/leak_check.h"
#include "tools/fixtures/sample_photo.h"
#include "tools/fixtures/virtual_image_feed.h"

namespace dancu::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fixtures = tools::fixtures;

constexpr auto kPatience = 120s;

std::string PrintPath(const std::string& name) {
  return std::string(DANCU_SHARED_DATA) + "/prints/" + name + ".png";
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A commune (certified by central unless told otherwise) with two residents, whose dancu commands
// may use libfprint's virtual readers.
class EnrollCli : public CommuneCli {
 public:
  explicit EnrollCli(bool certified = true) {
    // The children inherit the test's environment: no reader but those a test names.
    unsetenv("FP_VIRTUAL_IMAGE");
    unsetenv("FP_VIRTUAL_DEVICE");
    if (certified) {
      Expect({"init", "--data", file("central"), "--role", "central", "--unit", "VN"}, 0);
      Expect({"cert", "request", "--data", data(), "--out", file("request")}, 0);
      Expect({"cert", "issue", "--data", file("central"), "--request", file("request"), "--out",
              file("chain")},
             0);
      Expect({"cert", "install", "--data", data(), file("chain")}, 0);
    }
    an_ = Add(ValidResident(1));
    binh_ = Add(ValidResident(2, "Trần Văn Bình"));
  }

  const std::string& an() const { return an_; }
  const std::string& binh() const { return binh_; }

  // The environment of a dancu command whose only reader is `driver` on `socket`.
  static ProcessOptions Reader(const std::string& driver, const std::string& socket) {
    ProcessOptions options;
    options.env["FP_DRIVERS_WHITELIST"] = driver;
    if (!socket.empty()) {
      options.env[driver == "virtual_image" ? "FP_VIRTUAL_IMAGE" : "FP_VIRTUAL_DEVICE"] = socket;
    }
    return options;
  }

  struct Outcome {
    int exit_code = -1;
    std::vector<json> events;
    json Last() const { return events.empty() ? json() : events.back(); }
    int Count(const std::string& event) const {
      return static_cast<int>(std::count_if(events.begin(), events.end(), [&](const json& e) {
        return e.value("event", "") == event;
      }));
    }
  };

  // Runs dancu with --json on the virtual_image reader, presenting the NIST print `print` each
  // time the command asks for a finger.
  Outcome WithFinger(std::vector<std::string> args, const std::string& print) {
    args.push_back("--json");
    const std::string socket = file("reader.socket");
    const fixtures::GreyImage image = fixtures::LoadPrint(PrintPath(print));
    std::unique_ptr<fixtures::VirtualImageClient> client;  // once the reader listens
    Outcome outcome;
    DancuProcess process(args, AsOfficer(Reader("virtual_image", socket)));
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (process.ReadLines(100, [&](const std::string& line) {
      outputs_ += line + "\n";
      json event = json::parse(line);
      if (event.value("event", "") == "place_finger") {
        if (!client) client = std::make_unique<fixtures::VirtualImageClient>(socket);
        client->SendImage(image);
      }
      outcome.events.push_back(std::move(event));
    })) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
    }
    outcome.exit_code = process.Wait();
    return outcome;
  }

  // Expect, keeping the output for the leak check.
  ProcessResult Keep(const std::vector<std::string>& args, int exit_code) {
    ProcessResult r = Expect(args, exit_code);
    outputs_ += r.out + r.err;
    return r;
  }
  const std::string& outputs() const { return outputs_; }

  json Biometrics(const std::string& id) {
    return json::parse(Keep({"resident", "show", "--data", data(), "--json", id}, 0).out)["record"]
        .value("biometrics", json::object());
  }

 private:
  std::string an_, binh_;
  std::string outputs_;  // of every command run through WithFinger and Keep
};

TEST_CASE("every enrollment subcommand answers --help") {
  for (std::vector<std::string> cmd :
       {std::vector<std::string>{"enroll", "finger"}, {"enroll", "photo"}, {"verify"}}) {
    cmd.push_back("--help");
    auto r = RunDancu(cmd);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Usage"));
  }
}

TEST_CASE_METHOD(EnrollCli,
                 "an officer enrolls the index fingers and a photo, verifies them, and applies "
                 "for a card",
                 "[virtual_image]") {
  const std::string before = StateHash();
  auto biometrics_done = [&] {
    return json::parse(Keep({"report", "--data", data(), "--json"}, 0).out)["total"]["biometrics"].get<int>();
  };
  CHECK(biometrics_done() == 0);
  auto premature = Run({"resident", "card", "--data", data(), an(), "--status", "applied"});
  CHECK(premature.exit_code == 3);
  for (const char* field :
       {"biometrics.photo", "biometrics.right_index", "biometrics.left_index"}) {
    CHECK_THAT(premature.err, Catch::Contains(field));
  }
  CHECK(StateHash() == before);

  const Outcome right =
      WithFinger({"enroll", "finger", "--data", data(), an(), "--finger", "right-index"}, "whorl");
  REQUIRE(right.exit_code == 0);
  CHECK(right.events.front()["event"] == "reader");
  CHECK(right.events.front()["device"] == "virtual_image/0");
  CHECK(right.Count("place_finger") == 6);  // five stages, then the check
  CHECK(right.Count("captured") == 5);
  CHECK(right.Last()["event"] == "enrolled");
  CHECK(right.Last()["finger"] == "right-index");
  REQUIRE(WithFinger({"enroll", "finger", "--data", data(), an(), "--finger", "left-index"}, "arch")
              .exit_code == 0);
  WriteFile(file("photo.jpg"), fixtures::SamplePhoto(fixtures::PhotoEncoding::kJpeg, 480, 640, 1));
  Keep({"enroll", "photo", "--data", data(), an(), file("photo.jpg"), "--json"}, 0);

  const Outcome same =
      WithFinger({"verify", "--data", data(), an(), "--finger", "right-index"}, "whorl");
  CHECK(same.exit_code == 0);
  CHECK(same.Last()["match"] == true);
  const Outcome any = WithFinger({"verify", "--data", data(), an()}, "arch");
  CHECK(any.exit_code == 0);
  CHECK(any.Last()["finger"] == "left-index");
  const Outcome other =
      WithFinger({"verify", "--data", data(), an(), "--finger", "right-index"}, "tented_arch");
  CHECK(other.exit_code == 3);
  CHECK(other.Last()["match"] == false);

  Keep({"resident", "card", "--data", data(), an(), "--status", "applied"}, 0);
  const json biometrics = Biometrics(an());
  CHECK(biometrics["right_index"]["status"] == "enrolled");
  CHECK(biometrics["right_index"]["sealed_hash"].get<std::string>().size() == 64);
  CHECK(biometrics["left_index"]["status"] == "enrolled");
  CHECK(biometrics["photo"]["format"] == "jpeg");
  CHECK(biometrics["photo"]["width"] == 480);
  CHECK(biometrics["photo"]["height"] == 640);
  Keep({"log", "verify", "--data", data(), "--json"}, 0);
  CHECK(biometrics_done() == 1);  // the photo and both index fingers: what the report counts

  // Nothing biometric in any output, nor in the change log and the records that replicate.
  auto node = node::Node::Open(data(), node::KeyAccess::kSign, std::nullopt);
  REQUIRE(node.ok());
  const storage::Store& store = (*node)->store();
  std::string replicated;
  REQUIRE(store
              .ScanLog([&](uint64_t, uint64_t, std::string_view entry) {
                replicated += entry;
                return true;
              })
              .ok());
  REQUIRE(store
              .ScanRecords([&](std::string_view, std::string_view record) {
                replicated += record;
                return true;
              })
              .ok());
  const node::DataKey& key = **(*node)->data_key();
  auto held = node::LoadResidentTemplates(store, key, an(), std::nullopt);
  REQUIRE(held.ok());
  REQUIRE(held->size() == 2);
  std::vector<std::string> secrets;
  for (size_t i = 0; i < held->size(); ++i) secrets.emplace_back(held->template_at(i).bytes());
  auto photo_blob = store.GetBlob(node::AtRestKey(an(), node::BiometricPart::kPhoto));
  REQUIRE(photo_blob.ok());
  REQUIRE(photo_blob->has_value());
  auto photo = node::DecryptAtRest(key, an(), node::BiometricPart::kPhoto, **photo_blob);
  REQUIRE(photo.ok());
  CHECK(photo->bytes() == fixtures::SamplePhoto(fixtures::PhotoEncoding::kJpeg, 480, 640, 1));
  secrets.emplace_back(photo->bytes());
  for (const std::string& secret : secrets) {
    CHECK_FALSE(Reveals(outputs(), secret));
    CHECK_FALSE(Reveals(replicated, secret));
  }
}

TEST_CASE_METHOD(EnrollCli, "a print already enrolled for another resident opens a duplicate case",
                 "[virtual_image]") {
  REQUIRE(
      WithFinger({"enroll", "finger", "--data", data(), an(), "--finger", "right-index"}, "whorl")
          .exit_code == 0);
  const Outcome duplicate =
      WithFinger({"enroll", "finger", "--data", data(), binh(), "--finger", "left-thumb"}, "whorl");
  CHECK(duplicate.exit_code == 3);
  const json opened = duplicate.Last();
  CHECK(opened["event"] == "duplicate_case");
  CHECK(opened["matches"] == json{{"id", an()}, {"finger", "right-index"}});
  const std::string case_key = "case/duplicate/" + binh() + "/left-thumb";
  CHECK(opened["case"] == case_key);
  CHECK(Biometrics(binh())["left_thumb"]["status"] == "underReview");

  // The print under review is no template of Bình's: it verifies nothing and joins no gallery.
  const Outcome unverifiable = WithFinger({"verify", "--data", data(), binh()}, "whorl");
  CHECK(unverifiable.exit_code == 1);
  CHECK_THAT(unverifiable.Last()["error"]["message"].get<std::string>(),
             Catch::Contains("no fingerprint of record " + binh()));

  // The same print offered as another of An's fingers: refused, nothing stored.
  const std::string before = StateHash();
  const Outcome twice =
      WithFinger({"enroll", "finger", "--data", data(), an(), "--finger", "left-index"}, "whorl");
  CHECK(twice.exit_code == 1);
  CHECK_THAT(twice.Last()["error"]["message"].get<std::string>(),
             Catch::Contains("matches the right-index already enrolled"));
  CHECK(StateHash() == before);

  auto node = node::Node::Open(data(), node::KeyAccess::kNone, std::nullopt);
  REQUIRE(node.ok());
  auto case_blob = (*node)->store().GetBlob(case_key);
  REQUIRE(case_blob.ok());
  REQUIRE(case_blob->has_value());
  const json recorded = json::parse(**case_blob);
  CHECK(recorded["record_id"] == binh());
  CHECK(recorded["matches"]["record_id"] == an());
  CHECK(recorded["officer"] == "officer.an");
}

TEST_CASE_METHOD(EnrollCli, "a missing or unreadable finger is recorded without the reader") {
  const json recorded = json::parse(Keep({"enroll", "finger", "--data", data(), an(), "--finger",
                                          "left-index", "--exception", "missing", "--json"},
                                         0)
                                        .out);
  CHECK(recorded["event"] == "exception");
  Keep({"enroll", "finger", "--data", data(), an(), "--finger", "right-index", "--exception",
        "unreadable"},
       0);
  const json biometrics = Biometrics(an());
  CHECK(biometrics["left_index"] == json{{"status", "missing"}});
  CHECK(biometrics["right_index"] == json{{"status", "unreadable"}});
  CHECK(Run({"enroll", "finger", "--data", data(), an(), "--finger", "left-index", "--exception",
             "lost"})
            .exit_code == 2);
}

TEST_CASE(
    "enrollment without a chain, a reader, a known device or finger fails and changes nothing") {
  EnrollCli uncertified(false);
  WriteFile(uncertified.file("photo.png"),
            fixtures::SamplePhoto(fixtures::PhotoEncoding::kPng, 300, 400, 1));
  const std::string uncertified_before = uncertified.StateHash();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"enroll", "finger", "--data", uncertified.data(), uncertified.an(),
                                 "--finger", "right-index"},
        {"enroll", "photo", "--data", uncertified.data(), uncertified.an(),
         uncertified.file("photo.png")}}) {
    auto r = uncertified.Run(args, EnrollCli::Reader("virtual_image", uncertified.file("s")));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("no certificate chain is installed (dancu cert install)"));
  }
  CHECK(uncertified.StateHash() == uncertified_before);

  EnrollCli cli;
  const std::string before = cli.StateHash();
  const std::vector<std::string> enroll = {"enroll", "finger",   "--data",     cli.data(),
                                           cli.an(), "--finger", "right-index"};
  auto no_reader = cli.Run(enroll, EnrollCli::Reader("virtual_image", ""));
  CHECK(no_reader.exit_code == 1);
  CHECK_THAT(no_reader.err, Catch::Contains("no fingerprint reader found"));
  std::vector<std::string> elsewhere = enroll;
  elsewhere.insert(elsewhere.end(), {"--device", "usb/7"});
  auto unknown_device =
      cli.Run(elsewhere, EnrollCli::Reader("virtual_image", cli.file("reader.socket")));
  CHECK(unknown_device.exit_code == 1);
  CHECK_THAT(unknown_device.err,
             Catch::Contains("no fingerprint reader usb/7 (found: virtual_image/0)"));
  auto unknown_finger =
      cli.Run({"enroll", "finger", "--data", cli.data(), cli.an(), "--finger", "right-toe"});
  CHECK(unknown_finger.exit_code == 1);
  CHECK_THAT(unknown_finger.err, Catch::Contains("unknown finger right-toe; one of: right-thumb"));
  CHECK(cli.StateHash() == before);
}

TEST_CASE("a reader failing or unplugged during enrollment leaves nothing behind",
          "[virtual_device]") {
  EnrollCli cli;
  const std::string before = cli.StateHash();
  struct Failure {
    const char* command;
    const char* message;
  };
  int run = 0;
  for (const Failure& failure :
       {Failure{"ERROR 0", "virtual_device/0: the reader reported a failure"},
        Failure{"UNPLUG", "virtual_device/0: the reader was disconnected"}}) {
    INFO(failure.command);
    const std::string socket = cli.file("device-" + std::to_string(++run) + ".socket");
    auto running = std::async(std::launch::async, [&] {
      return cli.Run(
          {"enroll", "finger", "--data", cli.data(), cli.an(), "--finger", "right-index"},
          EnrollCli::Reader("virtual_device", socket));
    });
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (!std::filesystem::exists(socket)) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(20ms);
    }
    fixtures::SendVirtualDeviceCommand(socket, failure.command, 30);
    const ProcessResult r = running.get();
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains(failure.message));
  }
  CHECK(cli.StateHash() == before);
}

TEST_CASE("a photo that is no image, too big or truncated is refused and changes nothing") {
  EnrollCli cli;
  const std::string png = fixtures::SamplePhoto(fixtures::PhotoEncoding::kPng, 480, 640, 2);
  std::string too_big = png;
  too_big.resize(3u << 20, '\0');
  WriteFile(cli.file("letter.jpg"), "Kính gửi Công an xã\n");
  WriteFile(cli.file("huge.png"), too_big);
  WriteFile(cli.file("cut.png"), png.substr(0, png.size() / 2));
  const std::string before = cli.StateHash();
  struct Case {
    const char* file;
    const char* reason;
  };
  for (const Case& c : {Case{"letter.jpg", "the photo is neither a JPEG nor a PNG image"},
                        Case{"huge.png", "the photo is 3145728 bytes; the limit is 2097152"},
                        Case{"cut.png", "the photo is not a readable PNG image"},
                        Case{"absent.png", "absent.png"}}) {
    INFO(c.file);
    auto r = cli.Run({"enroll", "photo", "--data", cli.data(), cli.an(), cli.file(c.file)});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains(c.reason));
  }
  CHECK(cli.StateHash() == before);
}

}  // namespace
}  // namespace dancu::testing
