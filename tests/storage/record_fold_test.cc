// The fold: any order of the same changes (creations, corrections, deaths, moves and merges) gives
// byte-identical records and the same state hash; every field holds the value of the change with
// the largest (hlc, origin, seq), except that a recorded death outranks plain writes; every home
// unit ever set is kept.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "storage/canonical.h"
#include "storage/record_fold.h"
#include "storage/record_json.h"
#include "storage/state_digest.h"

namespace dancu::storage {
namespace {

struct GeneratedChange {
  std::string bytes;  // canonical Change
  std::string record_id;
  schema::Operation operation;
  uint64_t hlc, origin, seq;
  nlohmann::json values;
  // The fold's order of writers of one field: a recordDeath outranks plain writes of the death
  // fields whatever its clock; otherwise the largest (hlc, origin, seq) wins.
  auto RankFor(const std::string& key) const {
    bool sticky = operation == schema::Operation::RECORD_DEATH && (key == "status" || key == "death_date");
    return std::make_tuple(sticky, hlc, origin, seq);
  }
};

// One operation a change may carry and the values it may set.
struct OperationSample {
  schema::Operation operation;
  nlohmann::json values;
};

// Random changes of `origins` nodes to `records` records: creations, corrections, deaths, moves
// (residence and home unit) and merges into another record; hlcs drawn from a small range so that
// ties (broken by origin, then seq) happen often, and corrections back to "alive" race deaths.
std::vector<GeneratedChange> RandomChanges(uint32_t seed, int count, int origins, int records) {
  std::mt19937 rng(seed);
  using Op = schema::Operation;
  const std::vector<OperationSample> pool = {
      {Op::CREATE, {{"full_name", "Nguyễn Văn An"}, {"home_unit", "00001"}}},
      {Op::UPDATE, {{"full_name", "Nguyễn Văn Ân"}}},
      {Op::UPDATE, {{"religion", "Phật giáo"}}},
      {Op::UPDATE, {{"ethnicity", 1}, {"religion", "Công giáo"}}},
      {Op::UPDATE, {{"other_names", {"Tí", "Tèo"}}}},
      {Op::UPDATE, {{"marital_status", "married"}}},
      {Op::UPDATE, {{"status", "alive"}}},
      {Op::RECORD_DEATH, {{"status", "deceased"}, {"death_date", "2020-02-02"}}},
      {Op::RECORD_DEATH, {{"status", "deceased"}, {"death_date", "2021-03-04"}}},
      {Op::MOVE, {{"permanent_residence", {{"unit", "00004"}, {"address", "Tổ 3"}}}, {"home_unit", "00004"}}},
      {Op::MOVE, {{"permanent_residence", {{"unit", "00007"}, {"address", "Thôn 1"}}}, {"home_unit", "00007"}}},
      {Op::MERGE_DUPLICATE, {{"merged_into", "r-survivor"}}},
  };
  std::map<uint64_t, uint64_t> next_seq;
  std::vector<GeneratedChange> changes;
  for (int i = 0; i < count; ++i) {
    GeneratedChange g;
    g.origin = 100 + rng() % origins;
    g.seq = ++next_seq[g.origin];
    g.hlc = 1000 + rng() % 8;
    g.record_id = "r" + std::to_string(rng() % records);
    const OperationSample& sample = pool[rng() % pool.size()];
    g.operation = sample.operation;
    g.values = sample.values;
    capnp::MallocMessageBuilder message;
    auto change = message.initRoot<schema::Change>();
    change.setOrigin(g.origin);
    change.setSeq(g.seq);
    change.setHlc(g.hlc);
    change.setRecordId(g.record_id);
    change.setOperation(g.operation);
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

TEST_CASE("each field holds the value of its winning change; a recorded death outranks plain writes") {
  for (uint32_t seed = 100; seed < 120; ++seed) {
    INFO("seed " << seed);
    auto changes = RandomChanges(seed, 50, 4, 3);
    std::vector<const GeneratedChange*> order;
    for (const auto& c : changes) order.push_back(&c);
    auto states = FoldAll(order);
    // The model: per record and JSON key, the winning change's value; per record, every home unit
    // ever set, and whether a creation arrived.
    std::map<std::string, std::map<std::string, std::pair<const GeneratedChange*, nlohmann::json>>> model;
    std::map<std::string, std::set<std::string>> homes;
    std::map<std::string, bool> created;
    for (const auto& c : changes) {
      created[c.record_id] = created[c.record_id] || c.operation == schema::Operation::CREATE;
      for (const auto& [k, v] : c.values.items()) {
        if (k == "home_unit") homes[c.record_id].insert(v.get<std::string>());
        auto& slot = model[c.record_id][k];
        if (slot.first == nullptr || c.RankFor(k) > slot.first->RankFor(k)) slot = {&c, v};
      }
    }
    for (const auto& [id, fields] : model) {
      INFO(id);
      auto state = Parsed<schema::RecordState>::Parse(states.at(id), "state");
      REQUIRE(state.ok());
      CHECK(state->get().getCreated() == created[id]);
      std::set<std::string> folded_homes;
      for (auto h : state->get().getHomes()) folded_homes.insert(h.getUnit().cStr());
      CHECK(folded_homes == homes[id]);
      nlohmann::json folded = ResidentToJson(state->get().getResident());
      for (const auto& [k, winner] : fields) {
        INFO(k);
        // "alive" is the status's default value, which the JSON form leaves out.
        const bool default_status = k == "status" && winner.second == "alive";
        CHECK(folded[k] == (default_status ? nlohmann::json() : winner.second));
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
