// Segments: a run of a real store's log travels compressed and verifies alone against its signed
// tree head with its inclusion proof;
// every way received bytes can be wrong is refused with a reason, never a crash.
#include <catch2/catch.hpp>

#include <capnp/message.h>

#include <random>

#include "replication/entry_pack.h"
#include "replication/messages.h"
#include "replication/segment.h"
#include "storage/log_format.h"
#include "tests/replication/origin_log.h"
#include "tests/replication/zstd_forgery.h"

namespace dancu::replication {
namespace {

using testing::OriginLog;
using testing::WithStatedSize;
using testing::ZeroFrame;

kj::ArrayPtr<const kj::byte> AsData(std::string_view bytes) {
  return {reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()};
}

// Decodes a segment with the given fields, as a receiver would.
Result<DecodedSegment> DecodeFields(uint64_t origin, uint64_t first, uint64_t last, std::string_view frame,
                                    std::string_view checkpoint, std::string_view proof = "") {
  capnp::MallocMessageBuilder builder;
  auto segment = builder.initRoot<wire::Segment>();
  segment.setOrigin(origin);
  segment.setFirstSeq(first);
  segment.setLastSeq(last);
  segment.setEntries(AsData(frame));
  segment.setCheckpoint(AsData(checkpoint));
  segment.setProof(AsData(proof));
  return DecodeSegment(segment.asReader());
}

std::string Pack(const std::vector<std::string_view>& entries) {
  std::string packed;
  for (auto e : entries) PackEntry(e, packed);
  return packed;
}

std::string Compress(std::string_view bytes) {
  auto frame = CompressFrame(bytes);
  REQUIRE(frame.ok());
  return *frame;
}

void RequireRefused(const Result<DecodedSegment>& decoded, const std::string& mention) {
  INFO(decoded.status().ToString());
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == Status::Code::kCorruption);
  CHECK_THAT(decoded.status().message(), Catch::Contains(mention));
}

TEST_CASE("segments of a real store travel and verify alone against their tree heads") {
  OriginLog log({3, 2});
  auto first = MakeSegment(log.origin(), 1, log.Entries(1, 3), log.checkpoints.at(3), log.Proof(1, 3));
  auto second = MakeSegment(log.origin(), 4, log.Entries(4, 5), log.checkpoints.at(5), log.Proof(4, 5));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->last_seq == 3);

  // Through the wire form and back, as a receiver gets it.
  auto frame = DecodeMessage(EncodeSegment(*first));
  REQUIRE(frame.ok());
  REQUIRE(frame->get().which() == wire::Message::SEGMENT);
  auto decoded = DecodeSegment(frame->get().getSegment());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->entries.size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(decoded->entries[i].bytes == log.entries[i]);
  CHECK(decoded->checkpoint_bytes == log.checkpoints.at(3));

  auto root = VerifySegment(*decoded, log.key.public_key());
  INFO(root.status().ToString());
  REQUIRE(root.ok());
  CHECK(*root == *storage::HashFromData(decoded->checkpoint.get().getRoot(), "root"));

  // The second segment needs nothing of the first: its proof stands for entries 1..3.
  auto frame2 = DecodeMessage(EncodeSegment(*second));
  REQUIRE(frame2.ok());
  auto decoded2 = DecodeSegment(frame2->get().getSegment());
  REQUIRE(decoded2.ok());
  CHECK(VerifySegment(*decoded2, log.key.public_key()).ok());
  CHECK(second->proof.size() <= 3 * sizeof(storage::Hash256));

  SECTION("a proof of another run is refused") {
    auto d = DecodeFields(log.origin(), 4, 5, second->entries, log.checkpoints.at(5), log.Proof(1, 5));
    REQUIRE(d.ok());
    auto r = VerifySegment(*d, log.key.public_key());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kCorruption);
  }
  SECTION("a proof with one hash changed is refused") {
    std::string proof = log.Proof(4, 5);
    REQUIRE(!proof.empty());
    proof[proof.size() - 1] ^= 1;
    auto d = DecodeFields(log.origin(), 4, 5, second->entries, log.checkpoints.at(5), proof);
    REQUIRE(d.ok());
    auto r = VerifySegment(*d, log.key.public_key());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("not in the tree the checkpoint signs"));
  }
  SECTION("a proof that is not whole hashes, or longer than any proof, does not decode") {
    RequireRefused(DecodeFields(log.origin(), 4, 5, second->entries, log.checkpoints.at(5), log.Proof(4, 5) + "x"),
                   "32-byte hashes");
    RequireRefused(DecodeFields(log.origin(), 4, 5, second->entries, log.checkpoints.at(5),
                                std::string((storage::kMaxProofHashes + 1) * 32, 'p')),
                   "more than");
  }
  SECTION("another node's key is refused") {
    auto other = storage::SigningKey::Generate();
    CHECK(VerifySegment(*decoded, other.public_key()).status().code() == Status::Code::kInvalidArgument);
  }
  SECTION("a forged signature is refused") {
    std::string forged = log.checkpoints.at(3);
    forged[forged.size() - 9] ^= 1;  // inside the signature, the last field
    auto d = DecodeFields(log.origin(), 1, 3, first->entries, forged, log.Proof(1, 3));
    REQUIRE(d.ok());
    auto r = VerifySegment(*d, log.key.public_key());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("signature"));
  }
  SECTION("an entry swapped for a validly encoded other one breaks the chain") {
    auto d = DecodeFields(log.origin(), 4, 5, Compress(Pack({log.entries[3], log.entries[3]})),
                          log.checkpoints.at(5));
    RequireRefused(d, "holds the change of");
  }
}

TEST_CASE("segments whose bytes do not add up are refused with a reason") {
  OriginLog log({2, 1});
  uint64_t o = log.origin();
  std::string cp = log.checkpoints.at(2);
  std::string packed = Pack(log.Entries(1, 2));
  std::string good = Compress(packed);
  REQUIRE(DecodeFields(o, 1, 2, good, cp).ok());

  SECTION("a frame that lies about its decompressed size") {
    RequireRefused(DecodeFields(o, 1, 2, WithStatedSize(good, packed.size() - 8), cp), "stated");
    RequireRefused(DecodeFields(o, 1, 2, WithStatedSize(good, packed.size() + 8), cp), "stated");
  }
  SECTION("a zstd bomb: a small frame that states 64 MiB") {
    std::string bomb = ZeroFrame(64u << 20, true);
    CHECK(bomb.size() < 64 * 1024);
    RequireRefused(DecodeFields(o, 1, 2, bomb, cp), "more than the cap");
  }
  SECTION("a frame that does not state its size") {
    RequireRefused(DecodeFields(o, 1, 2, ZeroFrame(4096, false), cp), "does not state its content size");
  }
  SECTION("bytes after the frame") { RequireRefused(DecodeFields(o, 1, 2, good + "x", cp), "follow the zstd frame"); }
  SECTION("not zstd at all") { RequireRefused(DecodeFields(o, 1, 2, "hello, world", cp), "zstd"); }
  SECTION("a length that runs past the end") {
    std::string cut = packed.substr(0, packed.size() - 8);
    RequireRefused(DecodeFields(o, 1, 2, Compress(cut), cp), "runs past the end");
  }
  SECTION("fewer entries than the seqs say") {
    RequireRefused(DecodeFields(o, 1, 2, Compress(Pack(log.Entries(1, 1))), cp), "1 found, 2 stated");
  }
  SECTION("more entries than the seqs say") {
    std::string three = Pack({log.entries[0], log.entries[1], log.entries[1]});
    RequireRefused(DecodeFields(o, 1, 2, Compress(three), cp), "more entries than");
  }
  SECTION("a length prefix that is not minimal") {
    REQUIRE(log.entries[0].size() >= 128);  // a two-byte LEB128 length: pad it to three
    REQUIRE(log.entries[0].size() < 16384);
    std::string padded = packed;
    padded.insert(2, 1, '\0');
    padded[1] = static_cast<char>(padded[1] | 0x80);
    RequireRefused(DecodeFields(o, 1, 2, Compress(padded), cp), "not minimal");
  }
  SECTION("an entry that is not canonical") {
    std::string loose = log.entries[1] + std::string(8, '\0');
    RequireRefused(DecodeFields(o, 1, 2, Compress(Pack({log.entries[0], loose})), cp), "canonical");
  }
  SECTION("entries that are not the seqs the header names") {
    std::string third = Compress(Pack(log.Entries(3, 3)));
    RequireRefused(DecodeFields(o, 2, 2, third, cp), "holds the change of");
  }
  SECTION("a checkpoint of another seq") {
    RequireRefused(DecodeFields(o, 1, 2, good, log.checkpoints.at(3)), "checkpoint covers");
    OriginLog other({2});
    RequireRefused(DecodeFields(o, 1, 2, good, other.checkpoints.at(2)), "checkpoint covers");
  }
  SECTION("impossible seqs") {
    RequireRefused(DecodeFields(o, 0, 2, good, cp), "seqs start at 1");
    RequireRefused(DecodeFields(o, 3, 2, good, cp), "before the first");
    RequireRefused(DecodeFields(o, 1, uint64_t{1} << 40, good, cp), "cannot fit");
  }
}

TEST_CASE("random damage to a segment's frame is refused or harmless, never a crash") {
  OriginLog log({4});
  std::string cp = log.checkpoints.at(4);
  std::string proof = log.Proof(1, 4);
  std::string good = Compress(Pack(log.Entries(1, 4)));
  std::mt19937_64 rng(20240601);
  for (int round = 0; round < 2000; ++round) {
    std::string bad = good;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] = static_cast<char>(rng());
    if (rng() % 4 == 0) bad.resize(rng() % bad.size());
    auto d = DecodeFields(log.origin(), 1, 4, bad, cp, proof);
    if (!d.ok()) {
      CHECK(d.status().code() == Status::Code::kCorruption);
      continue;
    }
    // What decodes is still authenticated before use: only the untouched bytes verify.
    bool same = true;
    for (size_t i = 0; i < 4; ++i) same = same && d->entries[i].bytes == log.entries[i];
    CHECK(VerifySegment(*d, log.key.public_key()).ok() == same);
  }
}

TEST_CASE("building a segment refuses what receivers would refuse") {
  CHECK(MakeSegment(1, 1, {}, "cp", "").status().code() == Status::Code::kInvalidArgument);
  std::string huge(kMaxSegmentBytes, 'x');
  CHECK(MakeSegment(1, 1, {huge}, "cp", "").status().code() == Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace dancu::replication
