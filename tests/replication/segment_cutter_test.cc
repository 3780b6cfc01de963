// Cutting a store's log into segments: they end at checkpoints, merge small batches up to the
// target, stay under the cap, and chain into a log that verifies from genesis.
#include <catch2/catch.hpp>


#include "replication/messages.h"
#include "replication/segment_cutter.h"
#include "storage/log_format.h"
#include "tests/replication/origin_log.h"

namespace dancu::replication {
namespace {

using testing::OriginLog;

std::vector<SegmentSpan> Spans(const std::vector<SegmentData>& segments) {
  std::vector<SegmentSpan> spans;
  for (const auto& s : segments) spans.push_back(s.span());
  return spans;
}

std::vector<SegmentData> Cut(const OriginLog& log, uint64_t after, size_t max_segments, const CutOptions& options) {
  auto segments = CutSegments(*log.store, log.origin(), after, max_segments, options);
  INFO(segments.status().ToString());
  REQUIRE(segments.ok());
  return std::move(segments.value());
}

size_t Bytes(const OriginLog& log, uint64_t first, uint64_t last) {
  size_t n = 0;
  for (auto e : log.Entries(first, last)) n += e.size();
  return n;
}

TEST_CASE("a store's log is cut at its checkpoints and verifies segment by segment") {
  OriginLog log({3, 2, 4, 1});  // checkpoints at 3, 5, 9, 10
  uint64_t o = log.origin();
  size_t entry = log.entries[0].size();

  SECTION("a tiny target gives one segment per batch, each verifying alone") {
    auto segments = Cut(log, 0, 100, {.target_bytes = 1});
    CHECK(Spans(segments) == std::vector<SegmentSpan>{{o, 1, 3}, {o, 4, 5}, {o, 6, 9}, {o, 10, 10}});
    for (const auto& s : segments) {
      auto message = DecodeMessage(EncodeSegment(s));
      REQUIRE(message.ok());
      auto decoded = DecodeSegment(message->get().getSegment());
      REQUIRE(decoded.ok());
      auto root = VerifySegment(*decoded, log.key.public_key());
      INFO(root.status().ToString());
      REQUIRE(root.ok());
      CHECK(*root == *storage::HashFromData(decoded->checkpoint.get().getRoot(), "root"));
    }
  }
  SECTION("a large target merges everything into one segment") {
    CHECK(Spans(Cut(log, 0, 100, {})) == std::vector<SegmentSpan>{{o, 1, 10}});
  }
  SECTION("batches merge until the target is reached, at the checkpoint that reaches it") {
    auto segments = Cut(log, 0, 100, {.target_bytes = Bytes(log, 1, 5)});
    CHECK(Spans(segments) == std::vector<SegmentSpan>{{o, 1, 5}, {o, 6, 10}});
  }
  SECTION("a merge stops at the last checkpoint under the cap") {
    auto segments = Cut(log, 0, 100, {.max_bytes = Bytes(log, 1, 6)});
    CHECK(Spans(segments) == std::vector<SegmentSpan>{{o, 1, 5}, {o, 6, 10}});
  }
  SECTION("a batch larger than the cap cannot be cut") {
    auto segments = CutSegments(*log.store, o, 0, 100, {.max_bytes = 3 * entry});
    CHECK(segments.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(segments.status().message(), Catch::Contains("segment cap"));
  }
  SECTION("cutting resumes after a given seq and stops at max_segments") {
    CHECK(Spans(Cut(log, 5, 100, {.target_bytes = 1})) == std::vector<SegmentSpan>{{o, 6, 9}, {o, 10, 10}});
    CHECK(Spans(Cut(log, 3, 1, {.target_bytes = 1})) == std::vector<SegmentSpan>{{o, 4, 5}});
    CHECK(Cut(log, 10, 100, {}).empty());
    CHECK(Cut(log, 0, 0, {}).empty());
  }
  SECTION("another origin's log in the same store is left alone") {
    auto other = storage::SigningKey::Generate();
    std::vector<storage::Draft> drafts;
    drafts.push_back(testing::DraftFromJson(schema::Operation::CREATE, "", testing::ValidResident(900)));
    testing::AppendAll(*log.store, std::move(drafts), other);
    CHECK(Spans(Cut(log, 0, 100, {})) == std::vector<SegmentSpan>{{o, 1, 10}});
    auto theirs = CutSegments(*log.store, other.node_id(), 0, 100, {});
    REQUIRE(theirs.ok());
    CHECK(Spans(*theirs) == std::vector<SegmentSpan>{{other.node_id(), 1, 1}});
  }
}

TEST_CASE("the cutter leaves entries past the last checkpoint and refuses gaps") {
  OriginLog log({2, 2});
  uint64_t o = log.origin();
  SegmentCutter cutter(o, 0, {.target_bytes = 1u << 20});
  REQUIRE(cutter.Add(1, log.entries[0], "").ok());
  REQUIRE(cutter.Add(2, log.entries[1], log.checkpoints.at(2)).ok());
  REQUIRE(cutter.Add(3, log.entries[2], "").ok());  // its checkpoint not seen (yet)
  REQUIRE(cutter.Finish().ok());
  CHECK(Spans(cutter.segments()) == std::vector<SegmentSpan>{{o, 1, 2}});

  SegmentCutter gap(o, 0, {});
  auto status = gap.Add(2, log.entries[1], "");
  CHECK(status.code() == Status::Code::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains("where seq 1 was expected"));
}

}  // namespace
}  // namespace dancu::replication
