#include "storage/record_index.h"

#include <cstdio>

#include "storage/name_fold.h"
#include "storage/person_match.h"

namespace dancu::storage {

namespace {
constexpr char kSep = '\0';

std::string Key(IndexKind kind, std::string_view a, std::string_view b) {
  std::string key(1, static_cast<char>(kind));
  key.append(a);
  key.push_back(kSep);
  key.append(b);
  return key;
}
}  // namespace

std::string YearTerm(uint16_t year) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04u", static_cast<unsigned>(year % 10000));
  return buf;
}

std::string IndexPrefix(IndexKind kind, std::string_view term, bool exact) {
  std::string prefix(1, static_cast<char>(kind));
  prefix.append(term);
  if (exact) prefix.push_back(kSep);
  return prefix;
}

std::vector<IndexEntry> IndexEntriesFor(schema::Resident::Reader resident, bool person_blocks) {
  std::vector<IndexEntry> entries;
  if (resident.getMergedInto().size() > 0) return entries;
  std::string_view id(resident.getId().cStr(), resident.getId().size());
  if (resident.getCitizenNo().size() > 0) {
    entries.push_back({Key(IndexKind::kCitizenNo, resident.getCitizenNo().cStr(), id), std::string(id)});
  }
  std::string folded = FoldForSearch(resident.getFullName().cStr());
  if (!folded.empty()) {
    std::string year_and_id = YearTerm(resident.getBirthDate().getYear());
    year_and_id.push_back(kSep);
    year_and_id.append(id);
    entries.push_back({Key(IndexKind::kName, folded, year_and_id), ""});
    for (size_t space = folded.find(' '); space != std::string::npos;
         space = folded.find(' ', space + 1)) {
      entries.push_back({Key(IndexKind::kNameSuffix, folded.substr(space + 1), year_and_id), ""});
    }
  }
  if (person_blocks) {
    const PersonSummary person = SummaryOf(resident);
    const std::string summary = EncodeSummary(person);
    for (const std::string& block : PersonBlockKeys(person)) {
      entries.push_back({Key(IndexKind::kPersonBlock, block, id), summary});
    }
  }
  if (resident.getHousehold().getId().size() > 0) {
    entries.push_back({Key(IndexKind::kHousehold, resident.getHousehold().getId().cStr(), id), ""});
  }
  if (resident.getPermanentResidence().getUnit().size() > 0) {
    entries.push_back(
        {Key(IndexKind::kUnit, resident.getPermanentResidence().getUnit().cStr(), id), ""});
  }
  return entries;
}

bool SplitNameKey(std::string_view key, std::string_view* term, std::string_view* year,
                  std::string_view* record_id) {
  if (key.size() < 2) return false;
  key.remove_prefix(1);
  size_t first = key.find(kSep);
  if (first == std::string_view::npos) return false;
  size_t second = key.find(kSep, first + 1);
  if (second == std::string_view::npos) return false;
  *term = key.substr(0, first);
  *year = key.substr(first + 1, second - first - 1);
  *record_id = key.substr(second + 1);
  return true;
}

}  // namespace dancu::storage
