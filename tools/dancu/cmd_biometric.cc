// dancu biometric eval: the accuracy of our own templates and 1:N identifier on real prints
// (issue 11, docs/performance.md "Fingerprint identification (issue 11)").
//
// DIR holds images named F_I.png (finger F, impression I = 1…8, 500 dpi, as FVC), or is the parent
// of such folders (each subfolder's fingers are distinct fingers; all are pooled). Every image
// goes through libfprint's own pipeline (its virtual_image driver, tools/fixtures/image_minutiae.h).
// Impressions 1–5 of a finger become one template of five views; 6–8 are its probes, one view
// each.
//   genuine   each probe against its own finger's template
//   impostor  each probe against every other finger's template (all pairs, not FVC's subset)
//   fmr/fnmr  at the node's threshold: identify::Identifier::Threshold(fingers in the gallery,
//             one probe finger); a score at or above it is a match, as Identify decides
//   eer       where the FMR and FNMR curves over all score thresholds cross (their mean there)
//   rank1     share of probes whose best candidate, through identify::Identifier over a gallery
//             of every finger of DIR, is their own finger
// A finger without all eight impressions is skipped with a warning. A probe from which libfprint
// extracts no minutiae (it rejects a capture with fewer than 10), or whose finger could not be
// enrolled, counts as a genuine non-match and a rank-1 miss (failures to acquire are errors here).
// An image that does not load is an error (exit 1), as are a missing DIR and a DIR without images.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <regex>

#include "devices/identify/identifier.h"
#include "devices/identify/matcher.h"
#include "tools/fixtures/image_minutiae.h"
#include "tools/dancu/cli.h"

namespace dancu::tools {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kImpressions = 8;
constexpr int kEnrollImpressions = 5;  // 1–5 enrolled, 6–8 probes

struct Finger {
  std::string name;  // "DB1_B/101", or "101" for images directly in DIR
  std::string folder;  // "DB1_B", or "" for DIR itself
  std::map<int, std::string> files;  // impression → path
};

struct EvalOptions {
  std::string images;
  bool json = false;
};

// The fingers of `dir` (its own images, then each subfolder's, in name order); warnings on stderr.
Result<std::vector<Finger>> FindFingers(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Status::NotFound("no such directory: " + dir);
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument("not a directory: " + dir);
  static const std::regex kName(R"((\d{1,9})_(\d{1,9})\.png)", std::regex::icase);
  std::vector<fs::path> folders{fs::path(dir)};
  std::vector<fs::path> subfolders;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory()) subfolders.push_back(entry.path());
  if (ec) return Status::IOError("cannot read " + dir + ": " + ec.message());
  std::sort(subfolders.begin(), subfolders.end());
  folders.insert(folders.end(), subfolders.begin(), subfolders.end());

  std::vector<Finger> fingers;
  for (size_t k = 0; k < folders.size(); ++k) {
    const std::string prefix = k == 0 ? "" : folders[k].filename().string() + "/";
    std::map<long, Finger> found;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folders[k], ec))
      if (entry.is_regular_file()) files.push_back(entry.path());
    if (ec) return Status::IOError("cannot read " + folders[k].string() + ": " + ec.message());
    for (const auto& file : files) {
      std::smatch m;
      const std::string name = file.filename().string();
      if (!std::regex_match(name, m, kName)) continue;
      const long finger = std::stol(m[1].str());
      const int impression = std::stoi(m[2].str());
      if (impression < 1 || impression > kImpressions) {
        std::cerr << "dancu: warning: " << file.string() << ": impression " << impression
                  << " is not one of 1–8: ignored\n";
        continue;
      }
      Finger& f = found[finger];
      f.name = prefix + m[1].str();
      f.folder = k == 0 ? "" : folders[k].filename().string();
      f.files[impression] = file.string();
    }
    for (auto& [number, finger] : found) {
      if (static_cast<int>(finger.files.size()) < kImpressions) {
        std::string have;
        for (const auto& [i, path] : finger.files) have += (have.empty() ? "" : ",") + std::to_string(i);
        std::cerr << "dancu: warning: finger " << finger.name << " has impressions " << have
                  << " of 1–8: skipped\n";
        continue;
      }
      fingers.push_back(std::move(finger));
    }
  }
  if (fingers.empty())
    return Status::InvalidArgument("no fingers with impressions 1–8 (images named F_I.png) in " + dir +
                                   " or its subfolders");
  if (fingers.size() < 2)
    return Status::InvalidArgument("only one finger with impressions 1–8 in " + dir +
                                   ": impostor scores need at least two");
  return fingers;
}

double Share(size_t part, size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

struct Rates {
  double fmr = 0, fnmr = 0;
};
// A score at or above `threshold` is a match.
Rates At(const std::vector<int>& genuine, const std::vector<int>& impostor, double threshold) {
  const auto below = [&](const std::vector<int>& s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [&](int x) { return x < threshold; }));
  };
  return {Share(impostor.size() - below(impostor), impostor.size()), Share(below(genuine), genuine.size())};
}

// The equal error rate: over every integer threshold, where |FMR - FNMR| is least, their mean.
double EqualErrorRate(const std::vector<int>& genuine, const std::vector<int>& impostor) {
  int top = 1;
  for (int s : genuine) top = std::max(top, s + 1);
  for (int s : impostor) top = std::max(top, s + 1);
  double best_gap = 2, eer = 0;
  for (int t = 0; t <= top; ++t) {
    const Rates r = At(genuine, impostor, t);
    const double gap = std::abs(r.fmr - r.fnmr);
    if (gap < best_gap) best_gap = gap, eer = (r.fmr + r.fnmr) / 2;
  }
  return eer;
}

// The least integer threshold whose FMR is at most `fmr`.
int ThresholdFor(const std::vector<int>& impostor, double fmr) {
  int t = 0;
  while (At({}, impostor, t).fmr > fmr) ++t;
  return t;
}

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f %%", 100 * share);
  return buf;
}

int RunEval(const EvalOptions& o, Runner& runner) {
  const auto started = std::chrono::steady_clock::now();
  auto found = FindFingers(o.images);
  if (!found.ok()) {
    runner.Fail(found.status(), o.json);
    return kExitFailure;
  }
  const std::vector<Finger>& fingers = *found;

  // Load every image (any failure is an error), then extract all of them through libfprint.
  std::vector<devices::GreyImage> images;
  images.reserve(fingers.size() * kImpressions);
  for (const auto& finger : fingers) {
    for (const auto& [impression, path] : finger.files) {
      auto image = devices::LoadGreyPng(path);
      if (!image.ok()) {
        runner.Fail(Status::InvalidArgument("cannot load image " + image.error().message()), o.json);
        return kExitFailure;
      }
      images.push_back(std::move(image).value());
    }
  }
  auto extractor = devices::ImageMinutiae::Start();
  if (!extractor.ok()) {
    runner.Fail(Status::FailedPrecondition("libfprint: " + extractor.error().message()), o.json);
    return kExitFailure;
  }
  auto extracted = extractor.value()->Extract(images);
  extractor.value().reset();
  if (!extracted.ok()) {
    runner.Fail(Status::IOError("libfprint: " + extracted.error().message()), o.json);
    return kExitFailure;
  }
  const auto extracted_at = std::chrono::steady_clock::now();

  // Templates (impressions 1–5) and probes (6–8).
  struct Probe {
    size_t finger;
    int impression;
    std::optional<identify::Template> print;
  };
  std::vector<std::optional<identify::Template>> templates(fingers.size());
  std::vector<Probe> probes;
  size_t rejected_images = 0, unenrolled = 0;
  const identify::IdentifierOptions identifier_options;
  for (size_t f = 0; f < fingers.size(); ++f) {
    identify::Template enrolled;
    for (int i = 1; i <= kImpressions; ++i) {
      auto& view = extracted.value()[f * kImpressions + static_cast<size_t>(i - 1)];
      if (!view) {
        ++rejected_images;
        std::cerr << "dancu: warning: " << fingers[f].files.at(i) << ": libfprint found too few minutiae\n";
      }
      if (i > kEnrollImpressions) {
        probes.push_back({f, i, std::move(view)});
      } else if (view) {
        if (!enrolled.views.empty() && (enrolled.width != view->width || enrolled.height != view->height)) {
          runner.Fail(Status::InvalidArgument("the impressions of finger " + fingers[f].name + " differ in size"),
                      o.json);
          return kExitFailure;
        }
        enrolled.width = view->width, enrolled.height = view->height;
        enrolled.views.push_back(std::move(view->views[0]));
      }
    }
    if (enrolled.MinutiaCount() < identifier_options.min_minutiae) {
      ++unenrolled;
      std::cerr << "dancu: warning: finger " << fingers[f].name
                << " could not be enrolled (too few minutiae in impressions 1–5): its probes count as misses\n";
      continue;
    }
    templates[f] = std::move(enrolled);
  }

  // Scores: every probe against every enrolled finger.
  std::vector<int> genuine, impostor;
  size_t within = 0, across = 0;  // impostor scores of two fingers of one folder, of two folders
  int within_max = 0, across_max = 0;
  std::vector<std::string> notes;  // text output: the errors at the node's threshold, by name
  const double node_threshold = identify::Identifier::Threshold(
      static_cast<size_t>(std::count_if(templates.begin(), templates.end(), [](const auto& t) { return t.has_value(); })),
      1);
  const auto name = [&](size_t finger, int impression) {
    return fingers[finger].name + "_" + std::to_string(impression);
  };
  identify::MatchScratch scratch;
  for (const auto& probe : probes) {
    if (!probe.print || !templates[probe.finger]) {
      genuine.push_back(0);  // a failure to acquire or to enroll: a non-match
      notes.push_back("genuine miss " + name(probe.finger, probe.impression) + ": not extracted or not enrolled");
      continue;
    }
    const identify::ProbeTables tables(*probe.print);
    for (size_t g = 0; g < fingers.size(); ++g) {
      if (!templates[g]) continue;
      const int score = tables.Match(*templates[g], scratch).score;
      (g == probe.finger ? genuine : impostor).push_back(score);
      if (g != probe.finger) {
        const bool same = fingers[g].folder == fingers[probe.finger].folder;
        ++(same ? within : across);
        int& top = same ? within_max : across_max;
        top = std::max(top, score);
      }
      if (g == probe.finger && score < node_threshold)
        notes.push_back("genuine miss " + name(probe.finger, probe.impression) + ": " + std::to_string(score));
      if (g != probe.finger && score >= node_threshold)
        notes.push_back("false match " + name(probe.finger, probe.impression) + " vs " + fingers[g].name + ": " +
                        std::to_string(score));
    }
  }

  // Identification through the node's identifier, a gallery of every enrolled finger.
  identify::Identifier identifier(identifier_options);
  std::vector<identify::Enrollment> gallery;
  for (size_t f = 0; f < fingers.size(); ++f)
    if (templates[f]) gallery.push_back({fingers[f].name, identify::FingerPosition::kRightIndex, *templates[f]});
  if (auto built = identifier.Build(std::move(gallery)); !built.ok()) {
    runner.Fail(Status::FailedPrecondition("identifier: " + built.error().message), o.json);
    return kExitFailure;
  }
  const double threshold = identify::Identifier::Threshold(identifier.fingers(), 1);  // = node_threshold
  size_t first = 0, searchable = 0;
  for (const auto& probe : probes) {
    if (!probe.print || probe.print->MinutiaCount() < identifier_options.min_minutiae) continue;
    ++searchable;
    const std::vector<identify::ProbeFinger> one{{identify::FingerPosition::kRightIndex, *probe.print}};
    auto found_candidates = identifier.Identify(one, 1);
    if (!found_candidates.ok()) {
      runner.Fail(Status::FailedPrecondition("identifier: " + found_candidates.error().message), o.json);
      return kExitFailure;
    }
    const auto& c = found_candidates.value().candidates;
    first += !c.empty() && c[0].record_id == fingers[probe.finger].name;
  }

  const Rates node = At(genuine, impostor, threshold);
  const double eer = EqualErrorRate(genuine, impostor);
  const double rank1 = Share(first, probes.size());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (o.json) {
    PrintJson({{"fingers", fingers.size()},
               {"genuine", genuine.size()},
               {"impostor", impostor.size()},
               {"fnmr", node.fnmr},
               {"fmr", node.fmr},
               {"eer", eer},
               {"rank1", rank1},
               {"threshold", threshold}});
    return kExitOk;
  }
  const int t01 = ThresholdFor(impostor, 0.001), t0 = ThresholdFor(impostor, 0);
  const Rates at01 = At(genuine, impostor, t01), at0 = At(genuine, impostor, t0);
  int max_impostor = 0;
  for (int s : impostor) max_impostor = std::max(max_impostor, s);
  std::cout << "fingers     " << fingers.size() << " (" << images.size() << " images, " << rejected_images
            << " rejected by libfprint, " << unenrolled << " fingers not enrolled)\n"
            << "extraction  " << std::chrono::duration<double>(extracted_at - started).count() << " s, total "
            << seconds << " s\n"
            << "genuine     " << genuine.size() << " scores\n"
            << "impostor    " << impostor.size() << " scores (all pairs), the highest " << max_impostor << "; "
            << within << " within a folder (highest " << within_max << "), " << across << " across folders (highest "
            << across_max << ")\n"
            << "threshold   " << threshold << " (Identifier::Threshold(" << identifier.fingers()
            << " fingers, 1 probe finger))\n"
            << "fmr         " << Percent(node.fmr) << "\n"
            << "fnmr        " << Percent(node.fnmr) << "\n"
            << "eer         " << Percent(eer) << "\n"
            << "rank1       " << Percent(rank1) << " (" << first << " of " << probes.size() << " probes; "
            << searchable << " searchable)\n"
            << "fmr ≤ 0.1 % from threshold " << t01 << ": fmr " << Percent(at01.fmr) << ", fnmr "
            << Percent(at01.fnmr) << "\n"
            << "fmr = 0 from threshold " << t0 << ": fnmr " << Percent(at0.fnmr) << "\n";
  for (const auto& note : notes) std::cout << "  " << note << "\n";
  return kExitOk;
}

}  // namespace

void AddBiometricCommands(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("biometric", "fingerprint identification");
  group->require_subcommand(1);
  auto opts = std::make_shared<EvalOptions>();
  auto* eval = group->add_subcommand(
      "eval", "accuracy on real prints: F_I.png images (impressions 1–5 enrolled, 6–8 probes) through "
              "libfprint's minutiae, our matcher and identifier");
  eval->add_option("--images", opts->images, "folder of F_I.png images, or of such folders (pooled)")->required();
  eval->add_flag("--json", opts->json, "machine-readable output");
  eval->callback([opts, &runner] { runner.Set(RunEval(*opts, runner)); });
}

}  // namespace dancu::tools
