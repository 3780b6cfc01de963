#include "node/ida_match.h"

#include <algorithm>

#include "storage/name_fold.h"

namespace dancu::node {

namespace {

bool NameMatches(const NameClaim& claim, std::string_view recorded) {
  switch (claim.match) {
    case NameMatch::kExact:
      return !recorded.empty() && claim.value == recorded;
    case NameMatch::kFolded: {
      const std::string folded = storage::FoldForSearch(recorded);
      return !folded.empty() && storage::FoldForSearch(claim.value) == folded;
    }
    case NameMatch::kFuzzy: {
      const std::string folded = storage::FoldForSearch(recorded);
      return !folded.empty() && Similarity(storage::FoldForSearch(claim.value), folded) >= claim.min_score;
    }
  }
  return false;
}

bool DateMatches(const DateClaim& claim, schema::PartialDate::Reader recorded) {
  const auto& v = claim.value;
  if (recorded.getYear() == 0 || recorded.getYear() != v.year) return false;
  if (claim.precision == DatePrecision::kYear) return true;
  if (recorded.getMonth() == 0 || recorded.getMonth() != v.month) return false;
  if (claim.precision == DatePrecision::kMonth) return true;
  return recorded.getDay() != 0 && recorded.getDay() == v.day;
}

}  // namespace

double Similarity(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return 1.0 - static_cast<double>(row[b.size()]) / static_cast<double>(std::max(a.size(), b.size()));
}

std::vector<std::pair<schema::Claim, bool>> MatchClaims(const VerifyRequest& request, schema::Resident::Reader record) {
  std::vector<std::pair<schema::Claim, bool>> results;
  const std::string_view name(record.getFullName().cStr(), record.getFullName().size());
  if (request.full_name) results.emplace_back(schema::Claim::FULL_NAME, NameMatches(*request.full_name, name));
  if (request.birth_date) {
    results.emplace_back(schema::Claim::BIRTH_DATE, DateMatches(*request.birth_date, record.getBirthDate()));
  }
  if (request.sex) results.emplace_back(schema::Claim::SEX, record.getSex() == *request.sex);
  if (request.alive) {
    const bool alive = record.getStatus() == schema::LifeStatus::ALIVE && record.hasFullName();
    results.emplace_back(schema::Claim::ALIVE, alive == *request.alive);
  }
  return results;
}

}  // namespace dancu::node
