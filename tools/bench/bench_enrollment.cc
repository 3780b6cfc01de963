// dancu-bench-enrollment: the enrollment figures of docs/performance.md (issue 4).
//
// Runs libfprint's virtual_image reader in this process, fed the NIST prints of shared/data/prints
// from a feeder thread, on a commune node of generated residents:
//   1. captures one real template from each of the four prints (5 stages each);
//   2. enrolls fingers of the residents with those templates, cycling through arch, loop-right and
//      tented_arch (serialized templates duplicated, so that each gallery entry is a real template
//      under its own record, key and nonce), timing each enrollment outside the capture: the
//      template sealed to central, encrypted at rest and appended durably with its change;
//   3. when the gallery holds 100, 1,000 and 10,000 templates, times the duplicate check of a new
//      print: loading and decrypting the gallery, then one libfprint identify whose probe is the
//      fourth print, whorl, which matches none (so every template is compared, as for any new
//      enrollee); a gallery of one gives the cost of the capture and minutiae detection alone;
//   4. enrolls ten fingers and a photo (a 480x640 JPEG from tools/fixtures) for a few more
//      residents and counts the bytes each one adds.
// Prints Markdown tables.
//
//   dancu-bench-enrollment [--galleries 100,1000,10000] [--full-residents 20] [--repeats 1]
#include <sodium.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "devices/fingerprint_reader.h"
#include "node/biometric_crypto.h"
#include "node/biometric_gallery.h"
#include "node/enrollment.h"
#include "node/importer.h"
#include "node/node.h"
#include "storage/canonical.h"
#include "tools/fixtures/sample_photo.h"
#include "tools/fixtures/virtual_image_feed.h"
#include "tools/gen/resident_generator.h"

namespace dancu::tools {
namespace {

using Clock = std::chrono::steady_clock;

double Millis(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "dancu-bench-enrollment: " << what << "\n";
  std::exit(1);
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

double Percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
}

std::string PrintPath(const std::string& name) {
  return std::string(DANCU_SHARED_DATA) + "/prints/" + name + ".png";
}

// The virtual_image reader, answering each request for a finger with the image of the moment
// from a feeder thread (the reader's callbacks must not block on the socket themselves).
class FedReader {
 public:
  explicit FedReader(const std::string& socket) : socket_(socket) {
    setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
    setenv("FP_VIRTUAL_IMAGE", socket.c_str(), 1);
    auto started = devices::FingerprintReader::Start();
    if (!started.ok()) Die(started.error().message());
    reader_ = std::move(started).value();
    const std::vector<devices::DeviceInfo> devices = reader_->ListDevices().get();
    if (devices.size() != 1) Die("expected one virtual_image reader");
    device_ = devices.front();
    if (auto opened = reader_->Open(device_.id).get(); !opened.ok()) Die(opened.error().message());
    feeder_ = std::thread([this] { Feed(); });
  }

  ~FedReader() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    feeder_.join();
  }

  devices::Template Enroll(const fixtures::GreyImage& print) {
    auto enrolled = reader_->Enroll(device_.id, Presenting(print)).get();
    if (!enrolled.ok()) Die(enrolled.error().message());
    return std::move(enrolled).value();
  }

  // Identifies a capture of `probe` in `gallery`; returns the milliseconds it took.
  double TimeIdentify(std::vector<devices::Template> gallery, const fixtures::GreyImage& probe) {
    const Clock::time_point started = Clock::now();
    auto found = reader_->Identify(device_.id, std::move(gallery), Presenting(probe)).get();
    const double ms = Millis(started);
    if (!found.ok()) Die(found.error().message());
    if (found.value()) Die("the probe matched a gallery entry; it should match none");
    return ms;
  }

 private:
  devices::ScanOptions Presenting(const fixtures::GreyImage& image) {
    devices::ScanOptions options;
    options.timeout = std::chrono::hours(4);  // a large gallery's identify takes minutes
    options.on_event = [this, &image](const devices::ScanEvent& event) {
      if (event.kind != devices::ScanEvent::Kind::kPlaceFinger) return;
      {
        std::lock_guard<std::mutex> lock(mu_);
        pending_.push_back(&image);
      }
      wake_.notify_all();
    };
    return options;
  }

  void Feed() {
    std::unique_ptr<fixtures::VirtualImageClient> client;
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (stopping_) return;
      const fixtures::GreyImage* image = pending_.front();
      pending_.pop_front();
      lock.unlock();
      if (!client) client = std::make_unique<fixtures::VirtualImageClient>(socket_);
      client->SendImage(*image);
      lock.lock();
    }
  }

  std::string socket_;
  std::unique_ptr<devices::FingerprintReader> reader_;
  devices::DeviceInfo device_;
  std::thread feeder_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<const fixtures::GreyImage*> pending_;  // guarded by mu_
  bool stopping_ = false;                           // guarded by mu_
};

// The living, unmerged residents of `store`: those who can be enrolled.
std::vector<std::string> Enrollable(const storage::Store& store) {
  std::vector<std::string> ids;
  Check(store.ScanRecords([&](std::string_view id, std::string_view bytes) {
    auto state = storage::Parsed<schema::RecordState>::Parse(bytes, "record");
    Check(state.status(), "record");
    const schema::Resident::Reader r = state->get().getResident();
    if (r.getStatus() == schema::LifeStatus::ALIVE && r.getMergedInto().size() == 0) {
      ids.emplace_back(id);
    }
    return true;
  }),
        "scanning records");
  return ids;
}

// A commune node (00715, Xã Lũng Cú) of generated residents, and central's key to seal to.
struct Commune {
  std::unique_ptr<node::Node> node;
  node::BiometricKeys keys;
  std::vector<std::string> residents;
};

Commune MakeCommune(const std::string& root, uint64_t residents) {
  auto central =
      node::Node::Init({root + "/central", schema::Role::CENTRAL, "VN", std::nullopt, 0});
  Check(central.status(), "init central");
  Check(node::Node::Init({root + "/commune", schema::Role::COMMUNE, "00715", std::nullopt, 0})
            .status(),
        "init commune");
  Commune commune;
  auto opened = node::Node::Open(root + "/commune", node::KeyAccess::kSign, std::nullopt);
  Check(opened.status(), "open commune");
  commune.node = std::move(opened.value());
  GeneratorOptions options;
  options.unit = "00715";
  options.count = residents;
  options.seed = 4;
  options.today = storage::TodayInVietnam(std::chrono::system_clock::now());
  std::stringstream lines;
  Check(WriteResidents(options, lines), "generating residents");
  Check(node::ImportJsonLines(*commune.node, lines, {"bench", 2000}, {}).status(), "import");
  commune.residents = Enrollable(commune.node->store());
  // The seal needs central's curve key, which a chain would carry; the chain's check is not what
  // is measured here.
  commune.keys.data_key = *commune.node->data_key();
  commune.keys.central_key = central->curve_key;
  return commune;
}

struct Bytes {
  size_t at_rest = 0, sealed = 0, log = 0, record = 0;
};

// The bytes that enrolling `who` fully added: blobs at rest and sealed, the enrollment changes'
// log entries (from `first_seq` on) and the record's growth from `record_before`.
Bytes CountBytes(const storage::Store& store, const std::string& who, uint64_t first_seq,
                 size_t record_before) {
  Bytes bytes;
  Check(store.ScanBlobs("bio/rest/" + who + "/",
                        [&](std::string_view, std::string_view v) {
                          bytes.at_rest += v.size();
                          return true;
                        }),
        "scanning blobs");
  auto record = store.GetRecord(who);
  Check(record.status(), "record");
  bytes.record = (**record).size() - record_before;
  auto state = storage::Parsed<schema::RecordState>::Parse(**record, "record");
  Check(state.status(), "record");
  const schema::Biometrics::Reader b = state->get().getResident().getBiometrics();
  std::vector<capnp::Data::Reader> hashes = {b.getPhoto().getSealedHash()};
  for (unsigned i = 0; i < node::kFingerCount; ++i) {
    hashes.push_back(node::FingerEntry(b, node::FingerAt(i)).getSealedHash());
  }
  for (const capnp::Data::Reader& hash : hashes) {
    auto sealed = store.GetBlob(
        "bio/sealed/" +
        storage::ToHex(std::string_view(reinterpret_cast<const char*>(hash.begin()), hash.size())));
    Check(sealed.status(), "sealed blob");
    bytes.sealed += (**sealed).size();
  }
  Check(store.ScanLog([&](uint64_t, uint64_t seq, std::string_view entry) {
    if (seq >= first_seq) bytes.log += entry.size();
    return true;
  }),
        "scanning the log");
  return bytes;
}

int Run(const std::vector<size_t>& galleries, size_t full_residents, int repeats) {
  const std::string root =
      (std::filesystem::temp_directory_path() / "dancu-bench-enrollment").string();
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  const size_t largest = *std::max_element(galleries.begin(), galleries.end());
  const size_t gallery_residents = (largest + node::kFingerCount - 1) / node::kFingerCount;
  // The generator's deceased and merged residents cannot be enrolled: a margin of a fifth.
  Commune commune = MakeCommune(root, (gallery_residents + full_residents) * 6 / 5 + 10);
  if (commune.residents.size() < gallery_residents + full_residents)
    Die("too few living residents");
  node::Node& node = *commune.node;

  FedReader reader(root + "/reader.socket");
  const std::vector<std::string> names = {"arch", "loop-right", "tented_arch", "whorl"};
  std::vector<fixtures::GreyImage> prints;
  std::vector<devices::Template> templates;
  for (const std::string& name : names) {
    prints.push_back(fixtures::LoadPrint(PrintPath(name)));
    templates.push_back(reader.Enroll(prints.back()));
  }
  const fixtures::GreyImage& probe = prints.back();  // whorl: in no gallery

  std::vector<double> store_ms;
  struct IdentifyRow {
    size_t size;
    double load_ms, identify_ms;
  };
  std::vector<IdentifyRow> rows;
  const auto time_check = [&](size_t size) {
    std::vector<double> load, identify;
    for (int r = 0; r < repeats; ++r) {
      const Clock::time_point started = Clock::now();
      auto gallery = node::LoadGallery(node.store(), *commune.keys.data_key, std::nullopt);
      load.push_back(Millis(started));
      Check(gallery.status(), "loading the gallery");
      if (gallery->size() != size) Die("gallery of unexpected size");
      std::vector<devices::Template> candidates;
      for (size_t i = 0; i < gallery->size(); ++i) {
        const std::string_view bytes = gallery->template_at(i).bytes();
        candidates.emplace_back(bytes.begin(), bytes.end());
      }
      identify.push_back(reader.TimeIdentify(std::move(candidates), probe));
    }
    rows.push_back({size, Percentile(load, 0.5), Percentile(identify, 0.5)});
  };

  // A gallery of one: the capture and minutiae detection without matching to speak of.
  {
    std::vector<double> alone;
    for (int r = 0; r < repeats; ++r) alone.push_back(reader.TimeIdentify({templates[0]}, probe));
    rows.push_back({1, 0, Percentile(alone, 0.5)});
  }
  size_t enrolled = 0;
  for (size_t size : galleries) {
    while (enrolled < size) {
      const std::string& who = commune.residents[enrolled / node::kFingerCount];
      const node::BiometricPart finger =
          node::FingerAt(static_cast<unsigned>(enrolled % node::kFingerCount));
      const devices::Template& t = templates[enrolled % 3];
      const std::string_view bytes(reinterpret_cast<const char*>(t.data()), t.size());
      const Clock::time_point started = Clock::now();
      Check(node::StoreFinger(node, commune.keys, {who, "bench"}, finger, bytes).status(),
            "enrolling");
      store_ms.push_back(Millis(started));
      ++enrolled;
    }
    time_check(size);
  }

  // The cryptography alone, for comparison with the durable enrollment.
  const devices::Template& sample = templates[0];
  const std::string_view sample_bytes(reinterpret_cast<const char*>(sample.data()), sample.size());
  std::vector<double> crypto_ms;
  for (int i = 0; i < 1000; ++i) {
    const Clock::time_point started = Clock::now();
    const std::string sealed = node::SealForCentral(commune.keys.central_key, "x-1",
                                                    node::BiometricPart::kLeftIndex, sample_bytes);
    const std::string at_rest = node::EncryptAtRest(*commune.keys.data_key, "x-1",
                                                    node::BiometricPart::kLeftIndex, sample_bytes);
    crypto_ms.push_back(Millis(started));
    if (sealed.empty() || at_rest.empty()) Die("sealing");
  }

  // Full enrollment of a few more residents: ten fingers and a photo each.
  const std::string photo = fixtures::SamplePhoto(fixtures::PhotoEncoding::kJpeg, 480, 640, 1);
  std::vector<Bytes> per_resident;
  std::vector<double> photo_ms;
  for (size_t i = 0; i < full_residents; ++i) {
    const std::string& who = commune.residents[gallery_residents + i];
    auto before = node.store().GetRecord(who);
    Check(before.status(), "record");
    const uint64_t first_seq = node.store().version_vector().at(node.config().node_id) + 1;
    for (unsigned f = 0; f < node::kFingerCount; ++f) {
      const devices::Template& t = templates[f % templates.size()];
      Check(node::StoreFinger(node, commune.keys, {who, "bench"}, node::FingerAt(f),
                              std::string_view(reinterpret_cast<const char*>(t.data()), t.size()))
                .status(),
            "enrolling");
    }
    const Clock::time_point started = Clock::now();
    Check(node::StorePhoto(node, commune.keys, {who, "bench"}, photo).status(), "photo");
    photo_ms.push_back(Millis(started));
    per_resident.push_back(CountBytes(node.store(), who, first_seq, (**before).size()));
  }

  std::printf("templates (fp_print_serialize, virtual_image, 5 stages):");
  for (size_t i = 0; i < names.size(); ++i)
    std::printf(" %s %zu B;", names[i].c_str(), templates[i].size());
  std::printf("\n\n| enrollment outside the capture | p50 | p99 |\n|---|---|---|\n");
  std::printf(
      "| a finger: seal + encrypt + durable append (%zu enrollments, fsync each) | %.2f ms | %.2f "
      "ms |\n",
      store_ms.size(), Percentile(store_ms, 0.5), Percentile(store_ms, 0.99));
  std::printf(
      "| of which the cryptography: crypto_box_seal + XChaCha20-Poly1305 | %.3f ms | %.3f ms |\n",
      Percentile(crypto_ms, 0.5), Percentile(crypto_ms, 0.99));
  std::printf(
      "| a photo (%zu B JPEG): decode-validate + seal + encrypt + append | %.2f ms | %.2f ms |\n",
      photo.size(), Percentile(photo_ms, 0.5), Percentile(photo_ms, 0.99));
  std::printf(
      "\n| gallery (templates) | load + decrypt | identify, no match (capture + detection + "
      "matching) |\n|---|---|---|\n");
  for (const IdentifyRow& row : rows) {
    std::printf("| %zu | %.1f ms | %.0f ms |\n", row.size, row.load_ms, row.identify_ms);
  }
  Bytes total;
  for (const Bytes& b : per_resident) {
    total.at_rest += b.at_rest;
    total.sealed += b.sealed;
    total.log += b.log;
    total.record += b.record;
  }
  const double n = static_cast<double>(per_resident.size());
  std::printf(
      "\n| storage per resident, ten prints and a photo (mean of %zu) | bytes |\n|---|---|\n",
      per_resident.size());
  std::printf("| at rest (10 templates + photo, encrypted) | %.0f |\n",
              static_cast<double>(total.at_rest) / n);
  std::printf("| sealed to central (10 templates + photo) | %.0f |\n",
              static_cast<double>(total.sealed) / n);
  std::printf("| change log (11 entries) | %.0f |\n", static_cast<double>(total.log) / n);
  std::printf("| record growth (the summary) | %.0f |\n", static_cast<double>(total.record) / n);
  std::printf("| total, before RocksDB compression | %.0f |\n",
              static_cast<double>(total.at_rest + total.sealed + total.log + total.record) / n);
  commune.node.reset();
  std::filesystem::remove_all(root);
  return 0;
}

}  // namespace
}  // namespace dancu::tools

int main(int argc, char** argv) {
  CLI::App app{"dancu-bench-enrollment: enrollment overhead, identify time and storage figures"};
  std::vector<size_t> galleries = {100, 1000, 10000};
  size_t full_residents = 20;
  int repeats = 1;
  app.add_option("--galleries", galleries, "gallery sizes at which identify is timed, ascending")
      ->delimiter(',');
  app.add_option("--full-residents", full_residents,
                 "residents enrolled with ten prints and a photo");
  app.add_option("--repeats", repeats, "identify runs per gallery size (the median is shown)")
      ->check(CLI::Range(1, 100));
  CLI11_PARSE(app, argc, argv);
  if (galleries.empty() || !std::is_sorted(galleries.begin(), galleries.end()) ||
      full_residents == 0) {
    std::cerr
        << "dancu-bench-enrollment: --galleries must be ascending, --full-residents positive\n";
    return 2;
  }
  return dancu::tools::Run(galleries, full_residents, repeats);
}
