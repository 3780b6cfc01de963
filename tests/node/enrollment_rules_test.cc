// The enrollment rules every change must pass on a node: a consistent biometrics summary, and a
// CCCD application only with a clean record, a photo and both index fingers (or exceptions).
#include <catch2/catch.hpp>

#include "node/enrollment.h"
#include "node/resident_drafts.h"
#include "storage/record_json.h"
#include "tests/node/enrollment_fixture.h"
#include "tools/fixtures/sample_photo.h"

namespace dancu::node {
namespace {

using nlohmann::json;
using testing::EnrollmentTree;

// The field paths of `errors`.
std::vector<std::string> Fields(const storage::FieldErrors& errors) {
  std::vector<std::string> fields;
  for (const storage::FieldError& e : errors) fields.push_back(e.field);
  return fields;
}

// Applies for `id`'s card; the errors it is rejected with (none when accepted).
storage::FieldErrors Apply(EnrollmentTree& tree, const std::string& id) {
  DraftOrErrors built =
      MakeDraft(schema::Operation::CARD_STATUS, id,
                {{"card", {{"status", "applied"}, {"application_id", "HS-1"}}}}, "officer.an");
  REQUIRE(built.errors.empty());
  std::vector<storage::Draft> drafts;
  drafts.push_back(std::move(built.draft));
  const storage::AppendOutcome outcome = tree.Append(std::move(drafts));
  return outcome.rejected.empty() ? storage::FieldErrors{} : outcome.rejected.front().errors;
}

const std::string kPrint(2500, 'x');

TEST_CASE("a CCCD application names each missing piece, and passes once all are there") {
  EnrollmentTree tree;
  const std::string id = tree.AddResident(1);
  const Enrollee who{id, "officer.an"};
  const auto digest = tree.commune().store().state_digest();

  CHECK(Fields(Apply(tree, id)) == std::vector<std::string>{"biometrics.photo",
                                                            "biometrics.right_index",
                                                            "biometrics.left_index"});
  REQUIRE(StoreFinger(tree.commune(), tree.keys(), who, BiometricPart::kRightIndex, kPrint).ok());
  REQUIRE(
      StorePhoto(tree.commune(), tree.keys(), who,
                 tools::fixtures::SamplePhoto(tools::fixtures::PhotoEncoding::kJpeg, 480, 640, 1))
          .ok());
  const storage::FieldErrors left_missing = Apply(tree, id);
  REQUIRE(left_missing.size() == 1);
  CHECK(left_missing.front().field == "biometrics.left_index");
  CHECK_THAT(left_missing.front().reason, Catch::Contains("missing or unreadable"));

  REQUIRE(RecordFingerException(tree.commune(), who, BiometricPart::kLeftIndex,
                                schema::FingerStatus::UNREADABLE)
              .ok());
  CHECK(Apply(tree, id).empty());
  CHECK(tree.commune().store().state_digest() != digest);
}

TEST_CASE("a CCCD application needs a clean record and a living resident") {
  EnrollmentTree tree;
  json incomplete = testing::ValidResident(2);
  incomplete.erase("hometown");
  DraftOrErrors built = MakeDraft(schema::Operation::CREATE, "", incomplete, "officer.an");
  REQUIRE(built.errors.empty());
  std::vector<storage::Draft> drafts;
  drafts.push_back(std::move(built.draft));
  const std::string id = tree.Append(std::move(drafts)).accepted.at(0).record_id;
  const storage::FieldErrors errors = Apply(tree, id);
  REQUIRE_FALSE(errors.empty());
  CHECK(errors.front().field == "card.status");
  CHECK(errors.front().reason == "a CCCD application needs a clean record: no hometown");
}

TEST_CASE("a record created with an application already made (an import) is not refused") {
  EnrollmentTree tree;
  json imported = testing::ValidResident(3);
  imported["card"] = {{"status", "applied"}, {"applied_on", "2024-01-05"}};
  DraftOrErrors built = MakeDraft(schema::Operation::CREATE, "", imported, "officer.an");
  REQUIRE(built.errors.empty());
  std::vector<storage::Draft> drafts;
  drafts.push_back(std::move(built.draft));
  CHECK(tree.Append(std::move(drafts)).accepted.size() == 1);
}

TEST_CASE("enrollment refuses exceptions that are not exceptions, and records it cannot hold") {
  EnrollmentTree tree;
  const std::string id = tree.AddResident(4);
  CHECK(RecordFingerException(tree.commune(), {id, "officer.an"}, BiometricPart::kLeftThumb,
                              schema::FingerStatus::ENROLLED)
            .status()
            .code() == Status::Code::kInvalidArgument);
  CHECK(StoreFinger(tree.commune(), tree.keys(), {"no-such-record", "officer.an"},
                    BiometricPart::kLeftThumb, kPrint)
            .status()
            .code() == Status::Code::kNotFound);
  DraftOrErrors death =
      MakeDraft(schema::Operation::RECORD_DEATH, id, {{"status", "deceased"}}, "officer.an");
  std::vector<storage::Draft> drafts;
  drafts.push_back(std::move(death.draft));
  REQUIRE(tree.Append(std::move(drafts)).accepted.size() == 1);
  const Status refused = CheckEnrollable(tree.commune(), id);
  CHECK(refused.code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(refused.message(), Catch::Contains("not a living resident"));
}

TEST_CASE("a biometrics summary that does not hold together is refused") {
  EnrollmentTree tree;
  const std::string id = tree.AddResident(5);
  const auto append = [&](const std::function<void(schema::Biometrics::Builder)>& fill) {
    storage::Draft draft;
    draft.record_id = id;
    draft.operation = schema::Operation::ENROLL_FINGER;
    draft.officer = "officer.an";
    draft.fields = {28};
    fill(draft.Values().initBiometrics());
    std::vector<storage::Draft> drafts;
    drafts.push_back(std::move(draft));
    const storage::AppendOutcome outcome = tree.Append(std::move(drafts));
    return outcome.rejected.empty() ? storage::FieldErrors{} : outcome.rejected.front().errors;
  };
  const uint8_t hash[32] = {1};
  CHECK(Fields(append([](schema::Biometrics::Builder b) {
          b.getRightThumb().setStatus(schema::FingerStatus::ENROLLED);
        })) == std::vector<std::string>{"biometrics.right_thumb.sealed_hash"});
  CHECK(Fields(append([&](schema::Biometrics::Builder b) {
          b.getLeftLittle().setStatus(schema::FingerStatus::MISSING);
          b.getLeftLittle().setSealedHash(kj::arrayPtr(hash, sizeof hash));
        })) == std::vector<std::string>{"biometrics.left_little.sealed_hash"});
  CHECK(Fields(append([&](schema::Biometrics::Builder b) {
          b.getPhoto().setSealedHash(kj::arrayPtr(hash, sizeof hash));
          b.getPhoto().setWidth(100);
          b.getPhoto().setHeight(300);
        })) == std::vector<std::string>{"biometrics.photo.format", "biometrics.photo.width"});
  CHECK(append([&](schema::Biometrics::Builder b) {
          b.getLeftLittle().setStatus(schema::FingerStatus::UNDER_REVIEW);
          b.getLeftLittle().setSealedHash(kj::arrayPtr(hash, sizeof hash));
        }).empty());
}

TEST_CASE("the summary is set only by the enrollment operations, never from JSON") {
  json values = {{"biometrics", {{"right_index", {{"status", "enrolled"}}}}}};
  for (auto operation : {schema::Operation::CREATE, schema::Operation::UPDATE}) {
    json record =
        operation == schema::Operation::CREATE ? testing::ValidResident(6) : json::object();
    record.update(values);
    DraftOrErrors built = MakeDraft(operation, operation == schema::Operation::CREATE ? "" : "r-1",
                                    record, "officer.an");
    CHECK(Fields(built.errors) == std::vector<std::string>{"biometrics"});
  }
}

TEST_CASE("the summary's JSON form writes hashes as lowercase hex and reads them back") {
  const std::string hash(64, 'a');
  const json summary = {
      {"biometrics",
       {{"left_index", {{"sealed_hash", "00ff" + hash.substr(4)}, {"status", "enrolled"}}},
        {"photo", {{"format", "png"}, {"height", 400}, {"sealed_hash", hash}, {"width", 300}}}}}};
  capnp::MallocMessageBuilder message;
  auto resident = message.initRoot<schema::Resident>();
  REQUIRE(storage::ResidentFromJson(summary, resident, nullptr).empty());
  CHECK(resident.getBiometrics().getLeftIndex().getSealedHash()[1] == 0xff);
  CHECK(storage::ResidentToJson(resident.asReader()) == summary);

  for (const json& bad : {json("00FF"), json("abc"), json("zz"), json(12)}) {
    capnp::MallocMessageBuilder scratch;
    const storage::FieldErrors errors =
        storage::ResidentFromJson({{"biometrics", {{"photo", {{"sealed_hash", bad}}}}}},
                                  scratch.initRoot<schema::Resident>(), nullptr);
    CHECK(Fields(errors) == std::vector<std::string>{"biometrics.photo.sealed_hash"});
  }
}

}  // namespace
}  // namespace dancu::node
