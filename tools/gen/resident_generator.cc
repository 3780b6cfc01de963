#include "tools/gen/resident_generator.h"

#include <capnp/message.h>

#include <cmath>
#include <deque>

#include "storage/record_json.h"

#include "tools/gen/duplicates.h"
#include "tools/gen/family.h"
#include "tools/gen/geography.h"
#include "tools/gen/identifiers.h"
#include "tools/gen/line_writer.h"
#include "tools/gen/papers.h"
#include "tools/gen/random.h"
#include "tools/gen/record.h"

namespace dancu::tools {

namespace {

constexpr size_t kFlushBytes = 1 << 16;
// The recent clean lines a planted duplicate copies: a person registered twice usually is so
// within a short time.
constexpr size_t kDuplicateWindow = 4096;

Status CheckOptions(const GeneratorOptions& options) {
  if (!(options.invalid_share >= 0 && options.invalid_share <= 1)) {  // NaN fails too
    return Status::InvalidArgument("invalid_share must be between 0 and 1");
  }
  if (!(options.duplicate_share >= 0 && options.duplicate_share <= 1)) {
    return Status::InvalidArgument("duplicate_share must be between 0 and 1");
  }
  if (options.invalid_share + options.duplicate_share > 1) {
    return Status::InvalidArgument("invalid_share and duplicate_share together must be at most 1");
  }
  if (options.count > kMaxGeneratedResidents) {
    return Status::InvalidArgument("count must be at most " +
                                   std::to_string(kMaxGeneratedResidents));
  }
  const storage::PartialDateValue today = options.today;
  if (!today.complete() || storage::CheckPartialDate(today) || today.year < 2000 ||
      today.year > 2399) {
    return Status::InvalidArgument("today must be a complete date in 2000-2399");
  }
  return Status::Ok();
}

}  // namespace

std::string_view DefectName(Defect defect) {
  switch (defect) {
    case Defect::kNone: return "none";
    case Defect::kBadCitizenProvince: return "bad citizen province";
    case Defect::kSexDigitMismatch: return "sex digit mismatch";
    case Defect::kBirthYearMismatch: return "birth year mismatch";
    case Defect::kUnknownUnit: return "unknown unit";
    case Defect::kBirthInFuture: return "birth in future";
    case Defect::kDeathBeforeBirth: return "death before birth";
    case Defect::kMalformedDate: return "malformed date";
    case Defect::kWrongJsonType: return "wrong JSON type";
    case Defect::kMissingFullName: return "missing full name";
    case Defect::kNotJson: return "not JSON";
  }
  return "unknown defect";
}

Status WriteResidents(const GeneratorOptions& options, std::ostream& out, std::vector<Defect>* defects,
                      std::vector<int64_t>* duplicate_of) {
  DANCU_RETURN_IF_ERROR(CheckOptions(options));
  Result<gen::Geography> geography = gen::Geography::ForCommune(options.unit, options.today);
  if (!geography.ok()) return geography.status();

  gen::Random random(options.seed);
  gen::Identifiers identifiers(options.unit, random);
  gen::FamilyMaker families(*geography, options.today, random);
  gen::LineWriter writer(geography->home(), options.today, identifiers, random);
  // Selection sampling: exactly `invalid_left` of the remaining lines get a defect, and about
  // `duplicates_left` (none before a clean line exists to copy) register an earlier resident again.
  auto invalid_left = static_cast<uint64_t>(
      std::llround(options.invalid_share * static_cast<double>(options.count)));
  auto duplicates_left = static_cast<uint64_t>(
      std::llround(options.duplicate_share * static_cast<double>(options.count)));
  std::deque<std::pair<int64_t, nlohmann::json>> recent;  // clean lines to copy, when planting

  std::string buffer;
  const auto flush = [&] {
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    buffer.clear();
    return static_cast<bool>(out);
  };
  const auto emit = [&](const std::string& line, Defect defect, int64_t original) {
    buffer += line;
    buffer += '\n';
    if (defects != nullptr) defects->push_back(defect);
    if (duplicate_of != nullptr) duplicate_of->push_back(original);
  };
  for (uint64_t written = 0; written < options.count;) {
    gen::Household household = families.Make(options.count - written);
    household.id = identifiers.HouseholdId();
    for (gen::Member& member : household.members) {
      gen::IssuePapers(member, options.today, identifiers, random);
    }
    for (size_t i = 0; i < household.members.size() && written < options.count; ++written) {
      Defect defect = Defect::kNone;
      const uint64_t draw = random.Below(options.count - written);
      if (draw < invalid_left) {
        --invalid_left;
        defect = static_cast<Defect>(1 + random.Below(kDefectKinds));
      } else if (draw < invalid_left + duplicates_left && !recent.empty()) {
        --duplicates_left;
        const auto& [line, original] = recent[random.Below(recent.size())];
        emit(gen::PlantDuplicate(original, random).dump(), Defect::kNone, line);
        continue;
      }
      capnp::MallocMessageBuilder message;
      auto record = message.initRoot<schema::Resident>();
      gen::FillResident(household, i++, geography->home(), options.today, record);
      emit(writer.Line(record, defect), defect, -1);
      if (duplicates_left > 0 && defect == Defect::kNone) {
        recent.emplace_back(static_cast<int64_t>(written), storage::ResidentToJson(record.asReader()));
        if (recent.size() > kDuplicateWindow) recent.pop_front();
      }
    }
    if (buffer.size() >= kFlushBytes && !flush()) break;
  }
  if (!flush()) return Status::IOError("could not write the generated residents");
  return Status::Ok();
}

}  // namespace dancu::tools
