// The per-unit rows kept beside the records: the counters behind `dancu report` and the console's
// progress tree, and the unit-origins index behind a hub's scope (storage/unit_origins.h). Kept in
// every change's batch, they always equal a recount of the records, whatever the changes (local or
// replicated, by several origins, moves, deaths, merges, applications, enrollment, a rewound log);
// a store without them counts them once on open; a damaged row is reported, not read as a number.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "storage/report.h"
#include "storage/canonical.h"
#include "storage/store_layout.h"
#include "storage/units.h"
#include "tests/support/test_node.h"

namespace dancu::storage {
namespace {

using testing::AddResidents;
using testing::AppendAll;
using testing::DraftFromJson;
using testing::OpenStore;
using testing::RunOf;
using testing::TempDir;
using testing::TrustOnly;
using testing::ValidResident;

const char* const kUnits[] = {"00001", "00004", "00715", "00718"};

// Units whose rows the checks compare: the communes the workload uses, and the districts and
// provinces of 2023 and 2025 enclosing them.
const char* const kUnitsAndAbove[] = {"00001", "00004", "00715", "00718", "001", "026", "01", "02", "08"};

// The origins that changed a record homed in or under `unit`, by a scan of every record: what the
// unit-origins index must answer.
std::set<uint64_t> ScannedOriginsUnder(const Store& store, std::string_view unit) {
  std::set<uint64_t> out;
  Status scanned = store.ScanRecords([&](std::string_view id, std::string_view bytes) {
    auto state = Parsed<schema::RecordState>::Parse(bytes, std::string(id));
    REQUIRE(state.ok());
    std::string_view home = state->get().getResident().getHomeUnit().cStr();
    const auto enclosing = UnitRegistry::Get().Enclosing(home);
    if (home.empty() || std::find(enclosing.begin(), enclosing.end(), unit) == enclosing.end()) return true;
    for (auto version : state->get().getVersions()) out.insert(version.getOrigin());
    return true;
  });
  REQUIRE(scanned.ok());
  return out;
}

void RequireCountersMatchRecords(const Store& store) {
  auto kept = BuildReport(store);
  auto counted = RecountReport(store);
  REQUIRE(kept.ok());
  REQUIRE(counted.ok());
  CHECK(kept->units == counted->units);
  CHECK(kept->total == counted->total);
  auto kept_origins = store.KeptUnitOrigins();
  auto counted_origins = store.RecountUnitOrigins();
  REQUIRE(kept_origins.ok());
  REQUIRE(counted_origins.ok());
  CHECK(*kept_origins == *counted_origins);
  for (const char* unit : kUnitsAndAbove) {
    INFO("unit " << unit);
    auto origins = store.OriginsUnder(unit);
    REQUIRE(origins.ok());
    CHECK(*origins == ScannedOriginsUnder(store, unit));
  }
}

// A draft that changes `id` in one of the ways that move a record between the figures.
Draft RandomUpdate(std::mt19937& rng, const std::string& id, const std::vector<std::string>& ids) {
  nlohmann::json values;
  switch (rng() % 6) {
    case 0: {
      const char* unit = kUnits[rng() % 4];
      values["permanent_residence"] = {{"unit", unit}, {"address", "Thôn 1"}};
      values["home_unit"] = unit;
      return DraftFromJson(schema::Operation::MOVE, id, values);
    }
    case 1:
      values["status"] = "deceased";
      values["death_date"] = "2024-01-15";
      break;
    case 2:
      values["card"] = {{"status", "applied"}};
      break;
    case 3:
      values["hometown"] = nullptr;  // a completeness gap: no longer clean
      break;
    case 4:
      values["merged_into"] = ids[rng() % ids.size()];
      break;
    default: {
      Draft draft = DraftFromJson(schema::Operation::UPDATE, id, nlohmann::json::object());
      auto biometrics = draft.Values().initBiometrics();
      auto photo = biometrics.initPhoto();
      photo.setSealedHash(kj::heapArray<kj::byte>(32).asPtr());
      photo.setWidth(480);
      photo.setHeight(640);
      biometrics.getRightIndex().setStatus(schema::FingerStatus::MISSING);
      biometrics.getLeftIndex().setStatus(rng() % 2 ? schema::FingerStatus::UNREADABLE : schema::FingerStatus::NONE);
      draft.fields = {28};  // biometrics
      return draft;
    }
  }
  return DraftFromJson(schema::Operation::UPDATE, id, values);
}

TEST_CASE("the kept per-unit rows equal a recount after every batch, local and replicated", "[report]") {
  UnitTally seen;  // over all seeds: the workload moves records through every figure
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u}) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    TempDir dir;
    SigningKey commune_key = SigningKey::Generate(), district_key = SigningKey::Generate();
    auto commune = OpenStore(dir.Sub("commune"));
    auto district = OpenStore(dir.Sub("district"));
    std::vector<std::string> ids;
    uint32_t serial = 1;
    uint64_t synced = 0;
    for (int step = 0; step < 40; ++step) {
      if (ids.empty() || rng() % 4 == 0) {
        std::vector<Draft> drafts;
        for (int i = 0, n = 1 + static_cast<int>(rng() % 3); i < n; ++i) {
          auto resident = ValidResident(serial++);
          const char* unit = kUnits[rng() % 4];
          resident["permanent_residence"]["unit"] = unit;
          resident["home_unit"] = unit;
          if (rng() % 3 == 0) resident.erase("household");  // not clean
          drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", resident));
        }
        for (auto& id : AppendAll(*commune, std::move(drafts), commune_key)) ids.push_back(id);
      } else {
        std::vector<Draft> drafts;
        for (int i = 0, n = 1 + static_cast<int>(rng() % 3); i < n; ++i) {
          drafts.push_back(RandomUpdate(rng, ids[rng() % ids.size()], ids));
        }
        auto outcome = commune->Append(drafts, commune_key);  // some are refused (a merged record): fine
        REQUIRE(outcome.ok());
      }
      RequireCountersMatchRecords(*commune);
      if (rng() % 3 == 0) {  // the district receives what it has not yet
        const uint64_t head = commune->version_vector().at(commune_key.node_id());
        if (head > synced) {
          auto outcome = district->Ingest(RunOf(*commune, commune_key.node_id(), synced + 1, head),
                                          TrustOnly(commune_key));
          REQUIRE(outcome.ok());
          INFO(outcome->reason);
          REQUIRE(outcome->verdict == IngestOutcome::Verdict::kApplied);
          synced = head;
          RequireCountersMatchRecords(*district);
        }
        const std::string& corrected = ids[rng() % ids.size()];
        auto held = district->GetRecord(corrected);
        REQUIRE(held.ok());
        if (held->has_value()) {  // and corrects or moves it: a second origin in its versions
          std::vector<Draft> drafts;
          drafts.push_back(RandomUpdate(rng, corrected, ids));
          REQUIRE(district->Append(drafts, district_key).ok());
          RequireCountersMatchRecords(*district);
        }
      }
    }
    auto report = BuildReport(*commune);
    REQUIRE(report.ok());
    CHECK(report->units.size() > 1);
    seen.Add(report->total);
  }
  CHECK(seen.deceased > 0);
  CHECK(seen.applications > 0);
  CHECK(seen.biometrics > 0);
  CHECK(seen.clean > 0);
  CHECK(seen.clean < seen.residents);
}

TEST_CASE("counters follow a rewound own log and the work authored again", "[report]") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  auto node = OpenStore(dir.Sub("node"));
  AddResidents(*node, key, 1, 3);
  AddResidents(*node, key, 4, 2);
  REQUIRE(node->RewindOwnLog(key.node_id(), 3, 3).ok());  // the newest two set aside
  RequireCountersMatchRecords(*node);
  CHECK(BuildReport(*node)->total.residents == 3);
  REQUIRE(node->Reauthor(key, nullptr).ok());
  RequireCountersMatchRecords(*node);
  CHECK(BuildReport(*node)->total.residents == 5);
}

TEST_CASE("a store whose counters are missing or of an older definition counts them when opened", "[report]") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  {
    auto store = OpenStore(dir.path());
    AddResidents(*store, key, 1, 6);
    // As a store written before the counters existed: wrong figures, no definition.
    REQUIRE(store->PutMeta(layout::TallyKey("00001"), UnitTally{99, 0, 0, 0, 0}.Serialize()).ok());
    REQUIRE(store->PutMeta(layout::TallyKey("99999"), UnitTally{1, 1, 0, 0, 0}.Serialize()).ok());
    REQUIRE(store->PutMeta(layout::kTallyFormatKey, layout::EncodeU64(0)).ok());
    // And before the unit-origins index: a row for an origin that changed nothing there, no format.
    REQUIRE(store->PutMeta(layout::UnitOriginKey("99999", 7), layout::EncodeU64(3)).ok());
    REQUIRE(store->DeleteMeta(layout::kUnitOriginFormatKey).ok());
  }
  auto store = OpenStore(dir.path());
  RequireCountersMatchRecords(*store);
  CHECK(store->OriginsUnder("99999")->empty());
  CHECK(*store->OriginsUnder("00715") == std::set<uint64_t>{key.node_id()});  // AddResidents' unit
  CHECK(*store->OriginsUnder("08") == std::set<uint64_t>{key.node_id()});     // its province of 2025
  auto report = BuildReport(*store);
  REQUIRE(report.ok());
  CHECK(report->total.residents == 6);
  CHECK(report->units.count("99999") == 0);
}

TEST_CASE("a damaged counter row is reported as corruption, not read as a figure", "[report]") {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  auto store = OpenStore(dir.path());
  AddResidents(*store, key, 1, 2);
  REQUIRE(store->PutMeta(layout::TallyKey("00001"), "short").ok());
  auto report = BuildReport(*store);
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Status::Code::kCorruption);
  CHECK_THAT(report.status().message(), Catch::Contains("00001"));
  // A change to that unit refuses to build on the damaged row rather than overwrite it.
  std::vector<Draft> drafts;
  drafts.push_back(DraftFromJson(schema::Operation::CREATE, "", ValidResident(9)));
  auto outcome = store->Append(drafts, key);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.status().code() == Status::Code::kCorruption);
}

}  // namespace
}  // namespace dancu::storage
