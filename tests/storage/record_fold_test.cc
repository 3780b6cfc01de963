// The fold: any order of the same changes gives byte-identical records and the same state hash,
// and every field holds the value of the change with the largest (hlc, origin, seq).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>

#include "storage/canonical.h"
#include "storage/record_fold.h"
#include "storage/record_json.h"
#include "storage/state_digest.h"

namespace dancu::storage {
namespace {

struct GeneratedChange {
  std::string bytes;  // canonical Change
  std::string record_id;
  uint64_t hlc, origin, seq;
  nlohmann::json values;
};

// Random changes of `origins` nodes to `records` records; hlcs drawn from a small range so that
// ties (broken by origin, then seq) happen often.
std::vector<GeneratedChange> RandomChanges(uint32_t seed, int count, int origins, int records) {
  std::mt19937 rng(seed);
  const std::vector<nlohmann::json> pool = {
      {{"full_name", "Nguyễn Văn An"}},   {{"full_name", "Nguyễn Văn Ân"}},
      {{"religion", "Phật giáo"}},        {{"religion", "Không"}},
      {{"ethnicity", 2}},                 {{"ethnicity", 1}, {"religion", "Công giáo"}},
      {{"permanent_residence", {{"unit", "00004"}, {"address", "Tổ 3"}}}},
      {{"status", "deceased"}, {"death_date", "2020-02-02"}},
      {{"other_names", {"Tí", "Tèo"}}},   {{"marital_status", "married"}},
  };
  std::map<uint64_t, uint64_t> next_seq;
  std::vector<GeneratedChange> changes;
  for (int i = 0; i < count; ++i) {
    GeneratedChange g;
    g.origin = 100 + rng() % origins;
    g.seq = ++next_seq[g.origin];
    g.hlc = 1000 + rng() % 8;
    g.record_id = "r" + std::to_string(rng() % records);
    g.values = pool[rng() % pool.size()];
    capnp::MallocMessageBuilder message;
    auto change = message.initRoot<schema::Change>();
    change.setOrigin(g.origin);
    change.setSeq(g.seq);
    change.setHlc(g.hlc);
    change.setRecordId(g.record_id);
    change.setOperation(schema::Operation::UPDATE);
    std::vector<uint16_t> fields;
    REQUIRE(ResidentFromJson(g.values, change.initValues(), &fields).empty());
    auto list = change.initFields(static_cast<unsigned>(fields.size()));
    for (unsigned f = 0; f < fields.size(); ++f) list.set(f, fields[f]);
    REQUIRE(CheckChangeShape(change.asReader()).ok());
    g.bytes = Canonicalize(change.asReader());
    changes.push_back(std::move(g));
  }
  return changes;
}

std::map<std::string, std::string> FoldAll(const std::vector<const GeneratedChange*>& order) {
  std::map<std::string, std::string> states;
  for (const GeneratedChange* g : order) {
    auto change = Parsed<schema::Change>::Parse(g->bytes, "change");
    REQUIRE(change.ok());
    auto it = states.find(g->record_id);
    if (it == states.end()) {
      states[g->record_id] = FoldChange(nullptr, change->get());
    } else {
      auto current = Parsed<schema::RecordState>::Parse(it->second, "state");
      REQUIRE(current.ok());
      auto reader = current->get();
      it->second = FoldChange(&reader, change->get());
    }
  }
  return states;
}

Hash256 DigestOf(const std::map<std::string, std::string>& states) {
  StateDigest digest;
  for (const auto& [id, bytes] : states) digest.Add(id, bytes);
  return digest.Digest();
}

TEST_CASE("any order of the same changes folds to byte-identical state and the same state hash") {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    INFO("seed " << seed);
    auto changes = RandomChanges(seed, 60, 3, 5);
    std::vector<const GeneratedChange*> order;
    for (const auto& c : changes) order.push_back(&c);
    const auto reference = FoldAll(order);
    const Hash256 reference_hash = DigestOf(reference);
    std::mt19937 rng(seed * 7919);
    for (int round = 0; round < 10; ++round) {
      std::shuffle(order.begin(), order.end(), rng);
      auto states = FoldAll(order);
      REQUIRE(states == reference);
      REQUIRE(DigestOf(states) == reference_hash);
    }
  }
}

TEST_CASE("each field holds the value of the change with the largest (hlc, origin, seq)") {
  for (uint32_t seed = 100; seed < 120; ++seed) {
    INFO("seed " << seed);
    auto changes = RandomChanges(seed, 50, 4, 3);
    std::vector<const GeneratedChange*> order;
    for (const auto& c : changes) order.push_back(&c);
    auto states = FoldAll(order);
    // The model: per record and JSON key, the winning change's value.
    std::map<std::string, std::map<std::string, std::pair<std::tuple<uint64_t, uint64_t, uint64_t>, nlohmann::json>>> model;
    for (const auto& c : changes) {
      for (const auto& [k, v] : c.values.items()) {
        auto key = std::make_tuple(c.hlc, c.origin, c.seq);
        auto& slot = model[c.record_id][k];
        if (slot.second.is_null() || key > slot.first) slot = {key, v};
      }
    }
    for (const auto& [id, fields] : model) {
      auto state = Parsed<schema::RecordState>::Parse(states.at(id), "state");
      REQUIRE(state.ok());
      nlohmann::json folded = ResidentToJson(state->get().getResident());
      for (const auto& [k, winner] : fields) {
        INFO(id << "." << k);
        CHECK(folded[k] == winner.second);
      }
    }
  }
}

TEST_CASE("a change with fields out of order or naming the id is refused before folding") {
  capnp::MallocMessageBuilder message;
  auto change = message.initRoot<schema::Change>();
  change.setOrigin(1);
  change.setSeq(1);
  change.setRecordId("r");
  auto fields = change.initFields(2);
  fields.set(0, 3);
  fields.set(1, 3);
  CHECK(CheckChangeShape(change.asReader()).code() == Status::Code::kCorruption);
  fields.set(0, 0);
  CHECK(CheckChangeShape(change.asReader()).code() == Status::Code::kCorruption);
  fields.set(0, 3);
  fields.set(1, 200);
  CHECK(CheckChangeShape(change.asReader()).code() == Status::Code::kCorruption);
  fields.set(1, 5);
  CHECK(CheckChangeShape(change.asReader()).ok());
  // A value in a field the change does not list would be ignored by the fold: refused instead.
  change.getValues().setReligion("Không");
  CHECK(CheckChangeShape(change.asReader()).code() == Status::Code::kCorruption);
}

}  // namespace
}  // namespace dancu::storage
