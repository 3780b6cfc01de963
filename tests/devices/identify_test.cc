// devices/identify: templates, the matcher, the candidate index and the sharded Identifier, over
// synthetic fingers (devices/identify/synthetic.h) with fixed seeds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "devices/identify/identifier.h"
#include "devices/identify/index.h"
#include "devices/identify/matcher.h"
#include "devices/identify/synthetic.h"
#include "devices/identify/template.h"

namespace dancu::identify {
namespace {

Template Enrolled(const synthetic::Finger& f, std::mt19937_64& rng) {
  return synthetic::Impression(f, rng, synthetic::EnrollmentCapture());
}

Template Probe(const synthetic::Finger& f, std::mt19937_64& rng) {
  return synthetic::Impression(f, rng, synthetic::Distortion{});
}

std::string Id(size_t i) { return "rec-" + std::to_string(i); }

// One single-finger decision threshold: a small gallery's.
const double kFingerThreshold = Identifier::Threshold(1000, 1);

std::string Bytes(const Template& t) {
  auto s = Serialize(t);
  REQUIRE(s.ok());
  return s.value();
}

void PutU16(std::string& b, size_t at, uint16_t v) {
  b[at] = static_cast<char>(v & 0xff);
  b[at + 1] = static_cast<char>(v >> 8);
}

}  // namespace

TEST_CASE("a template round-trips through its bytes", "[identify][template]") {
  std::mt19937_64 rng(1);
  auto finger = synthetic::MakeFinger(rng);
  Template t = Enrolled(finger, rng);
  t.views.push_back(Probe(finger, rng).views[0]);  // two views
  t.views.push_back({});                           // an empty view is allowed
  std::string bytes = Bytes(t);
  CHECK(bytes.substr(0, 4) == "DNFT");
  CHECK(bytes[4] == 1);
  CHECK(bytes.size() == 10 + 2 * 3 + 6 * t.MinutiaCount());
  auto parsed = Parse(bytes);
  REQUIRE(parsed.ok());
  CHECK(parsed.value() == t);

  // A property over many templates: Parse(Serialize(t)) == t.
  for (int i = 0; i < 300; ++i) {
    auto f = synthetic::MakeFinger(rng);
    Template u = Probe(f, rng);
    auto back = Parse(Bytes(u));
    REQUIRE(back.ok());
    REQUIRE(back.value() == u);
  }
}

TEST_CASE("parsing bad template bytes gives a clear error", "[identify][template]") {
  std::mt19937_64 rng(2);
  Template t = Enrolled(synthetic::MakeFinger(rng), rng);
  const std::string good = Bytes(t);
  const size_t first_minutia = 10 + 2;  // header, then the view's count

  auto code = [](const std::string& b) {
    auto r = Parse(b);
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(r.error().message.empty());
    return r.error().code;
  };

  SECTION("wrong magic") { CHECK(code("XNFT" + good.substr(4)) == ErrorCode::kBadMagic); }
  SECTION("empty") { CHECK(code("") == ErrorCode::kTruncated); }
  SECTION("wrong version") {
    std::string b = good;
    b[4] = 2;
    CHECK(code(b) == ErrorCode::kBadVersion);
    auto r = Parse(b);
    CHECK(r.error().message.find("version 2") != std::string::npos);
  }
  SECTION("every truncation") {
    for (size_t n = 0; n < good.size(); ++n) {
      auto r = Parse(good.substr(0, n));
      REQUIRE_FALSE(r.ok());
      CHECK((r.error().code == ErrorCode::kTruncated || r.error().code == ErrorCode::kBadCount));
    }
  }
  SECTION("a minutia count that lies") {
    std::string b = good;
    PutU16(b, 10, static_cast<uint16_t>(t.views[0].size() + 1));
    CHECK(code(b) == ErrorCode::kBadCount);
    PutU16(b, 10, 60000);
    CHECK(code(b) == ErrorCode::kBadCount);
    std::string fewer = good;
    PutU16(fewer, 10, static_cast<uint16_t>(t.views[0].size() - 1));
    CHECK(code(fewer) == ErrorCode::kTrailingBytes);
  }
  SECTION("a view count that lies") {
    std::string b = good;
    b[9] = 2;
    CHECK(code(b) == ErrorCode::kTruncated);
    b[9] = 0;
    CHECK(code(b) == ErrorCode::kBadCount);
    b[9] = static_cast<char>(kMaxViews + 1);
    CHECK(code(b) == ErrorCode::kBadCount);
  }
  SECTION("coordinates outside the image") {
    std::string b = good;
    PutU16(b, first_minutia, t.width);  // x == width
    CHECK(code(b) == ErrorCode::kOutOfRange);
    b = good;
    PutU16(b, first_minutia + 2, 65535);  // y
    CHECK(code(b) == ErrorCode::kOutOfRange);
  }
  SECTION("an image size out of range") {
    std::string b = good;
    PutU16(b, 5, 0);
    CHECK(code(b) == ErrorCode::kOutOfRange);
    PutU16(b, 5, kMaxDimension + 1);
    CHECK(code(b) == ErrorCode::kOutOfRange);
  }
  SECTION("an unknown minutia type") {
    std::string b = good;
    b[first_minutia + 5] = 3;
    CHECK(code(b) == ErrorCode::kOutOfRange);
  }
  SECTION("trailing bytes") { CHECK(code(good + "x") == ErrorCode::kTrailingBytes); }
  SECTION("random corruption never crashes, and what parses re-serialises to the same bytes") {
    std::mt19937_64 fuzz(3);
    for (int i = 0; i < 5000; ++i) {
      std::string b = good;
      int edits = 1 + static_cast<int>(fuzz() % 4);
      for (int e = 0; e < edits; ++e) {
        switch (fuzz() % 3) {
          case 0: b[fuzz() % b.size()] = static_cast<char>(fuzz()); break;
          case 1: b.resize(fuzz() % (b.size() + 1)); break;
          default: b.insert(fuzz() % (b.size() + 1), 1, static_cast<char>(fuzz())); break;
        }
        if (b.empty()) break;
      }
      auto r = Parse(b);
      if (r.ok()) REQUIRE(Bytes(r.value()) == b);
    }
  }
  SECTION("Serialize refuses what Parse would refuse") {
    Template bad = t;
    bad.views[0][0].x = bad.width;
    CHECK(Serialize(bad).error().code == ErrorCode::kOutOfRange);
    bad = t;
    bad.views.clear();
    CHECK(Serialize(bad).error().code == ErrorCode::kBadCount);
    bad = t;
    bad.views[0].resize(kMaxMinutiae + 1, Minutia{1, 1, 0, MinutiaType::kEnding});
    CHECK(Serialize(bad).error().code == ErrorCode::kBadCount);
  }
}

TEST_CASE("the matcher finds a rotated, shifted, noisy copy and rejects other fingers",
          "[identify][matcher]") {
  std::mt19937_64 rng(4);
  synthetic::Finger finger = synthetic::MakeFinger(rng);
  Template enrolled = Enrolled(finger, rng);

  // A copy by hand: rotated 20° about the centre, shifted (15, -10) px, every third minutia
  // dropped, each moved up to ±3 px and turned up to ±8°, and six spurious minutiae.
  Template copy;
  copy.width = enrolled.width;
  copy.height = enrolled.height;
  copy.views.emplace_back();
  const double rot = 20 * std::numbers::pi / 180;
  const double cx = enrolled.width / 2.0, cy = enrolled.height / 2.0;
  std::uniform_real_distribution<double> jitter(-3, 3);
  std::uniform_int_distribution<int> turn(-6, 6);
  for (size_t i = 0; i < enrolled.views[0].size(); ++i) {
    if (i % 3 == 2) continue;
    const Minutia& m = enrolled.views[0][i];
    double x = cx + std::cos(rot) * (m.x - cx) - std::sin(rot) * (m.y - cy) + 15 + jitter(rng);
    double y = cy + std::sin(rot) * (m.x - cx) + std::cos(rot) * (m.y - cy) - 10 + jitter(rng);
    if (x < 0 || y < 0 || x >= copy.width || y >= copy.height) continue;
    copy.views[0].push_back(Minutia{static_cast<uint16_t>(x), static_cast<uint16_t>(y),
                                    static_cast<uint8_t>(m.angle + 14 + turn(rng)), m.type});
  }
  for (int i = 0; i < 6; ++i)
    copy.views[0].push_back(Minutia{static_cast<uint16_t>(20 + rng() % 250),
                                    static_cast<uint16_t>(20 + rng() % 250),
                                    static_cast<uint8_t>(rng()), MinutiaType::kUnknown});
  std::shuffle(copy.views[0].begin(), copy.views[0].end(), rng);

  MatchResult same = MatchTemplates(copy, enrolled);
  INFO("score of the copy " << same.score << ", matched minutiae " << same.matched);
  CHECK(same.score >= kFingerThreshold);
  CHECK(same.matched >= static_cast<int>(enrolled.views[0].size()) / 2);

  for (int i = 0; i < 20; ++i) {
    Template other = Enrolled(synthetic::MakeFinger(rng), rng);
    MatchResult different = MatchTemplates(copy, other);
    INFO("score of another finger " << different.score);
    CHECK(different.score < kFingerThreshold);
  }

  // Matching is about symmetric, an identical print scores highest, an empty one scores 0.
  CHECK(MatchTemplates(enrolled, copy).score >= kFingerThreshold);
  CHECK(MatchTemplates(enrolled, enrolled).score > same.score);
  Template empty{enrolled.width, enrolled.height, {{}}};
  CHECK(MatchTemplates(empty, enrolled).score == 0);
  CHECK(MatchTemplates(enrolled, empty).score == 0);
}

TEST_CASE("genuine and impostor scores separate over many synthetic fingers", "[identify][matcher]") {
  // A property with a fixed seed: 300 fingers, each probed with a distorted impression against its
  // own enrollment (genuine) and against 5 other fingers (impostors).
  std::mt19937_64 rng(5);
  std::vector<synthetic::Finger> fingers;
  std::vector<Template> enrolled;
  for (int i = 0; i < 300; ++i) {
    fingers.push_back(synthetic::MakeFinger(rng));
    enrolled.push_back(Enrolled(fingers.back(), rng));
  }
  int genuine_accepted = 0, impostor_accepted = 0, impostors = 0;
  MatchScratch scratch;
  for (size_t i = 0; i < fingers.size(); ++i) {
    ProbeTables probe(Probe(fingers[i], rng));
    genuine_accepted += probe.Match(enrolled[i], scratch).score >= kFingerThreshold;
    for (size_t j = 1; j <= 5; ++j, ++impostors)
      impostor_accepted += probe.Match(enrolled[(i + j * 37) % fingers.size()], scratch).score >= kFingerThreshold;
  }
  INFO("genuine accepted " << genuine_accepted << "/300, impostors accepted " << impostor_accepted << "/" << impostors);
  CHECK(genuine_accepted >= 291);  // FNMR of one finger ≤ 3 %
  CHECK(impostor_accepted <= 1);   // FMR of one finger ≤ 0.1 %
}

TEST_CASE("the candidate index shortlists the mate, and supports insert and remove",
          "[identify][index]") {
  std::mt19937_64 rng(6);
  std::vector<synthetic::Finger> fingers;
  CandidateIndex index;
  for (uint32_t i = 0; i < 2000; ++i) {
    fingers.push_back(synthetic::MakeFinger(rng));
    index.Insert(i, Enrolled(fingers.back(), rng));
  }
  CHECK(index.size() == 2000);
  std::vector<CandidateIndex::ProbeKeys> probes;
  int first = 0;
  for (uint32_t i = 0; i < 2000; i += 100) {
    probes.push_back(CandidateIndex::Keys(Probe(fingers[i], rng)));
    auto c = index.Candidates(probes.back(), 20);
    REQUIRE_FALSE(c.empty());
    first += c[0].id == i;
    bool in = std::any_of(c.begin(), c.end(), [&](const auto& x) { return x.id == i; });
    CHECK(in);
    CHECK(std::is_sorted(c.begin(), c.end(), [](auto& a, auto& b) { return a.votes > b.votes; }));
  }
  CHECK(first >= 18);

  // Moving the delta into the array changes nothing visible.
  auto before = index.Candidates(probes[3], 50);
  index.Compact();
  auto compacted = index.Candidates(probes[3], 50);
  REQUIRE(compacted.size() == before.size());
  for (size_t i = 0; i < before.size(); ++i)
    CHECK((compacted[i].id == before[i].id && compacted[i].votes == before[i].votes));

  // Removed ids are never returned, before or after compaction; re-insertion works.
  CHECK(before.at(0).id == 300);
  CHECK(index.Remove(300));
  CHECK_FALSE(index.Remove(300));
  CHECK_FALSE(index.Remove(999999));
  CHECK(index.size() == 1999);
  auto after = index.Candidates(probes[3], 50);
  CHECK(std::none_of(after.begin(), after.end(), [](auto& x) { return x.id == 300; }));
  CHECK(after.size() >= before.size() - 1);
  index.Compact();
  after = index.Candidates(probes[3], 50);
  CHECK(std::none_of(after.begin(), after.end(), [](auto& x) { return x.id == 300; }));
  index.Insert(300, Enrolled(fingers[300], rng));
  CHECK(index.Candidates(probes[3], 1).at(0).id == 300);
  // Replacing an id's template drops its old keys.
  index.Insert(300, Enrolled(fingers[5], rng));
  auto replaced = index.Candidates(probes[3], 50);
  CHECK(std::none_of(replaced.begin(), replaced.end(), [](auto& x) { return x.id == 300 && x.votes > 20; }));
  CHECK(index.size() == 2000);

  // A bulk build answers like incremental inserts.
  CandidateIndex bulk;
  std::vector<std::pair<CandidateIndex::Id, std::vector<uint32_t>>> entries;
  std::mt19937_64 again(6);
  for (uint32_t i = 0; i < 2000; ++i) {
    auto f = synthetic::MakeFinger(again);
    entries.emplace_back(i, CandidateIndex::GalleryKeys(Enrolled(f, again)));
  }
  bulk.Build(entries);
  CandidateIndex incremental;
  for (const auto& [id, keys] : entries) incremental.InsertKeys(id, keys);
  for (const auto& p : probes) {
    auto a = bulk.Candidates(p, 10), b = incremental.Candidates(p, 10);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) CHECK((a[i].id == b[i].id && a[i].votes == b[i].votes));
  }
  CHECK(CandidateIndex().Candidates(probes[0], 10).empty());
}

namespace {

struct Person {
  synthetic::Finger right, left;
};

std::vector<ProbeFinger> ProbeOf(const Person& p, std::mt19937_64& rng) {
  return {{FingerPosition::kRightIndex, Probe(p.right, rng)}, {FingerPosition::kLeftIndex, Probe(p.left, rng)}};
}

}  // namespace

TEST_CASE("the identifier refuses bad input and handles an empty gallery", "[identify][identifier]") {
  Identifier id(IdentifierOptions{.shards = 2, .threads = 2});
  std::mt19937_64 rng(7);
  Person p{synthetic::MakeFinger(rng), synthetic::MakeFinger(rng)};

  auto empty = id.Identify(ProbeOf(p, rng));
  REQUIRE(empty.ok());
  CHECK(empty.value().candidates.empty());
  CHECK_FALSE(empty.value().duplicate);

  Template few = Enrolled(p.right, rng);
  few.views[0].resize(5);
  CHECK(id.Insert("a", FingerPosition::kRightIndex, few).error().code == ErrorCode::kTooFewMinutiae);
  Template bad = Enrolled(p.right, rng);
  bad.views[0][0].y = bad.height;
  CHECK(id.Insert("a", FingerPosition::kRightIndex, bad).error().code == ErrorCode::kOutOfRange);
  CHECK(id.Insert("", FingerPosition::kRightIndex, Enrolled(p.right, rng)).error().code ==
        ErrorCode::kInvalidArgument);
  CHECK(id.fingers() == 0);

  CHECK(id.Identify({}).error().code == ErrorCode::kInvalidArgument);
  auto twice = ProbeOf(p, rng);
  twice[1].position = FingerPosition::kRightIndex;
  CHECK(id.Identify(twice).error().code == ErrorCode::kInvalidArgument);
  auto thin = ProbeOf(p, rng);
  thin[0].print = few;
  CHECK(id.Identify(thin).error().code == ErrorCode::kTooFewMinutiae);

  // Build is all or nothing.
  REQUIRE(id.Insert("a", FingerPosition::kRightIndex, Enrolled(p.right, rng)).ok());
  std::vector<Enrollment> batch{{"b", FingerPosition::kRightIndex, Enrolled(p.left, rng)},
                                {"c", FingerPosition::kRightIndex, few}};
  CHECK(id.Build(std::move(batch)).error().code == ErrorCode::kTooFewMinutiae);
  CHECK(id.fingers() == 1);
  CHECK(id.records() == 1);
}

TEST_CASE("the identifier finds the planted mate among thousands, sharded or not",
          "[identify][identifier]") {
  std::mt19937_64 rng(8);
  const size_t people = 1500;  // 3,000 fingers
  std::vector<Person> persons;
  std::vector<Enrollment> gallery;
  for (size_t i = 0; i < people; ++i) {
    persons.push_back({synthetic::MakeFinger(rng), synthetic::MakeFinger(rng)});
    gallery.push_back({Id(i), FingerPosition::kRightIndex, Enrolled(persons[i].right, rng)});
    gallery.push_back({Id(i), FingerPosition::kLeftIndex, Enrolled(persons[i].left, rng)});
  }
  Identifier one(IdentifierOptions{.shards = 1});
  Identifier four(IdentifierOptions{.shards = 4, .threads = 3});
  Identifier incremental(IdentifierOptions{.shards = 3});
  REQUIRE(one.Build(gallery).ok());
  REQUIRE(four.Build(gallery).ok());
  for (auto& e : gallery) REQUIRE(incremental.Insert(e.record_id, e.position, e.print).ok());
  CHECK(one.fingers() == 3000);
  CHECK(four.fingers() == 3000);
  CHECK(incremental.records() == people);

  for (size_t i = 0; i < people; i += 75) {
    auto probe = ProbeOf(persons[i], rng);
    auto a = one.Identify(probe);
    auto b = four.Identify(probe);
    auto c = incremental.Identify(probe);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    REQUIRE(c.ok());
    REQUIRE_FALSE(a.value().candidates.empty());
    INFO("person " << i << " top " << a.value().candidates[0].record_id << " score "
                   << a.value().candidates[0].score << " threshold " << a.value().threshold);
    CHECK(a.value().candidates[0].record_id == Id(i));
    CHECK(a.value().duplicate);
    CHECK(a.value().candidates[0].finger_scores.size() == 2);
    CHECK(b.value().candidates[0].record_id == a.value().candidates[0].record_id);
    CHECK(b.value().candidates[0].score == a.value().candidates[0].score);
    CHECK(c.value().candidates[0].record_id == a.value().candidates[0].record_id);
    if (a.value().candidates.size() > 1) CHECK_FALSE(a.value().candidates[1].score >= a.value().threshold);
  }
  // People never enrolled are not duplicates.
  for (int i = 0; i < 20; ++i) {
    Person stranger{synthetic::MakeFinger(rng), synthetic::MakeFinger(rng)};
    auto r = four.Identify(ProbeOf(stranger, rng));
    REQUIRE(r.ok());
    INFO("best stranger score " << (r.value().candidates.empty() ? 0 : r.value().candidates[0].score));
    CHECK_FALSE(r.value().duplicate);
  }
  // A one-finger probe works too, with a one-finger threshold.
  auto single = four.Identify(std::vector<ProbeFinger>{{FingerPosition::kLeftIndex, Probe(persons[10].left, rng)}});
  REQUIRE(single.ok());
  CHECK(single.value().candidates.at(0).record_id == Id(10));
  CHECK(single.value().threshold == Identifier::Threshold(3000, 1));
}

TEST_CASE("the identifier inserts, replaces and removes records", "[identify][identifier]") {
  std::mt19937_64 rng(9);
  Identifier id(IdentifierOptions{.shards = 2});
  std::vector<Person> persons;
  for (size_t i = 0; i < 200; ++i) {
    persons.push_back({synthetic::MakeFinger(rng), synthetic::MakeFinger(rng)});
    REQUIRE(id.Insert(Id(i), FingerPosition::kRightIndex, Enrolled(persons[i].right, rng)).ok());
    REQUIRE(id.Insert(Id(i), FingerPosition::kLeftIndex, Enrolled(persons[i].left, rng)).ok());
  }
  CHECK(id.fingers() == 400);
  auto probe = ProbeOf(persons[42], rng);
  CHECK(id.Identify(probe).value().candidates.at(0).record_id == Id(42));

  CHECK(id.Remove(Id(42)) == 2);
  CHECK(id.Remove(Id(42)) == 0);
  CHECK(id.fingers() == 398);
  auto gone = id.Identify(probe).value();
  CHECK_FALSE(gone.duplicate);
  for (const auto& c : gone.candidates) CHECK(c.record_id != Id(42));

  // The same person under another record is found there; replacing a finger keeps one per position.
  REQUIRE(id.Insert("moved", FingerPosition::kRightIndex, Enrolled(persons[42].right, rng)).ok());
  REQUIRE(id.Insert("moved", FingerPosition::kRightIndex, Enrolled(persons[42].right, rng)).ok());
  CHECK(id.fingers() == 399);
  auto found = id.Identify(probe).value();
  CHECK(found.candidates.at(0).record_id == "moved");
  CHECK(found.candidates[0].finger_scores[1] == 0);  // it has no left index
  CHECK(found.duplicate);
  CHECK(id.MemoryBytes() > id.IndexMemoryBytes());
}

TEST_CASE("a finger of unknown position is compared with every finger, and one finger can be removed",
          "[identify][identifier]") {
  std::mt19937_64 rng(11);
  Identifier id(IdentifierOptions{.shards = 2});
  std::vector<Person> persons;
  for (size_t i = 0; i < 100; ++i) {
    persons.push_back({synthetic::MakeFinger(rng), synthetic::MakeFinger(rng)});
    REQUIRE(id.Insert(Id(i), FingerPosition::kRightIndex, Enrolled(persons[i].right, rng)).ok());
    REQUIRE(id.Insert(Id(i), FingerPosition::kLeftIndex, Enrolled(persons[i].left, rng)).ok());
  }
  // Person 7's left index offered as a right thumb finds nothing at that position...
  std::vector<ProbeFinger> as_thumb = {{FingerPosition::kRightThumb, Probe(persons[7].left, rng)}};
  CHECK_FALSE(id.Identify(as_thumb).value().duplicate);
  // ...and, of unknown position, finds the left index it is.
  std::vector<ProbeFinger> unknown = {{FingerPosition::kUnknown, as_thumb[0].print}};
  auto found = id.Identify(unknown).value();
  REQUIRE(found.duplicate);
  CHECK(found.candidates.at(0).record_id == Id(7));
  CHECK(found.candidates[0].finger_positions.at(0) == FingerPosition::kLeftIndex);

  CHECK(id.Remove(Id(7), FingerPosition::kLeftIndex) == 1);
  CHECK(id.Remove(Id(7), FingerPosition::kLeftIndex) == 0);
  CHECK(id.fingers() == 199);
  auto gone = id.Identify(unknown).value();
  CHECK_FALSE(gone.duplicate);
  std::vector<ProbeFinger> right = {{FingerPosition::kUnknown, Probe(persons[7].right, rng)}};
  auto kept = id.Identify(right).value();
  CHECK(kept.duplicate);
  CHECK(kept.candidates.at(0).finger_positions.at(0) == FingerPosition::kRightIndex);
}

TEST_CASE("searches and writes run concurrently", "[identify][identifier]") {
  std::mt19937_64 rng(10);
  Identifier id(IdentifierOptions{.shards = 3, .threads = 2});
  std::vector<Person> persons;
  for (size_t i = 0; i < 300; ++i) {
    persons.push_back({synthetic::MakeFinger(rng), synthetic::MakeFinger(rng)});
    REQUIRE(id.Insert(Id(i), FingerPosition::kRightIndex, Enrolled(persons[i].right, rng)).ok());
    REQUIRE(id.Insert(Id(i), FingerPosition::kLeftIndex, Enrolled(persons[i].left, rng)).ok());
  }
  std::vector<std::vector<ProbeFinger>> probes;
  for (size_t i = 0; i < 40; ++i) probes.push_back(ProbeOf(persons[i], rng));
  std::vector<Template> extra;
  for (size_t i = 0; i < 100; ++i) extra.push_back(Enrolled(synthetic::MakeFinger(rng), rng));

  std::atomic<int> found{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < probes.size(); i += 3) {
        auto r = id.Identify(probes[i]);
        if (r.ok() && !r.value().candidates.empty() && r.value().candidates[0].record_id == Id(i)) ++found;
      }
    });
  threads.emplace_back([&] {  // a writer: new records, and removals of records nobody searches
    for (size_t i = 0; i < extra.size(); ++i) {
      REQUIRE(id.Insert("new-" + std::to_string(i), FingerPosition::kRightIndex, extra[i]).ok());
      id.Remove(Id(200 + i));
    }
  });
  for (auto& th : threads) th.join();
  CHECK(found == 40);
  CHECK(id.fingers() == 600 - 200 + 100);
}

}  // namespace dancu::identify
