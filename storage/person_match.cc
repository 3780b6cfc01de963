#include "storage/person_match.h"

#include <algorithm>
#include <set>

#include "storage/record_index.h"

namespace dancu::storage {

namespace {

std::vector<std::string_view> Words(std::string_view folded) {
  std::vector<std::string_view> words;
  for (size_t start = 0; start < folded.size();) {
    size_t end = folded.find(' ', start);
    if (end == std::string_view::npos) end = folded.size();
    if (end > start) words.push_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// `word` and every form of it with one character deleted.
std::vector<std::string> WithDeletions(std::string_view word) {
  std::vector<std::string> forms{std::string(word)};
  if (word.size() < 2) return forms;
  for (size_t i = 0; i < word.size(); ++i) {
    std::string form(word);
    form.erase(i, 1);
    forms.push_back(std::move(form));
  }
  return forms;
}

bool Names(const PersonSummary& p, std::string_view* family, std::string_view* given) {
  auto words = Words(p.name);
  if (words.empty()) return false;
  *family = words.front();
  *given = words.back();
  return true;
}

bool Lists(const PersonSummary& p, const std::string& id) {
  return std::find(p.distinct_from.begin(), p.distinct_from.end(), id) != p.distinct_from.end();
}

// The name's evidence: equal after folding, one edit apart, or one word more or fewer (a middle
// name left out), or else a different name.
double NameScore(const std::string& a, const std::string& b) {
  if (a == b) return 4;
  if (WithinOneEdit(a, b)) return 3;
  auto wa = Words(a), wb = Words(b);
  if (wa.size() > wb.size()) std::swap(wa, wb);
  if (wa.size() + 1 == wb.size() && wa.size() >= 2 && wa.front() == wb.front() && wa.back() == wb.back()) return 2.5;
  return -2;
}

double DateScore(PartialDateValue a, PartialDateValue b) {
  if (a.year != b.year) return -6;
  if (a.complete() && b.complete()) {
    if (a == b) return 3;
    if (a.day == b.month && a.month == b.day) return 2.5;  // day and month swapped
    if (a.month == b.month && WithinOneEdit(std::to_string(a.day), std::to_string(b.day))) return 1;
    return -4;
  }
  // One at least partial: consistent as far as both go.
  if (a.month != 0 && b.month != 0 && a.month != b.month) {
    return a.day == 0 && b.day == 0 ? -3 : (a.month == b.day || a.day == b.month ? 0.5 : -3);
  }
  if (a.day != 0 && b.day != 0 && a.day != b.day) return -3;
  return 1;
}

double NumberScore(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return 0;
  return WithinOneEdit(a, b) ? 2 : -3;
}

double RelativeScore(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return 0;
  return WithinOneEdit(a, b) ? 2 : -2.5;
}

double PlaceScore(const std::string& a, const std::string& b, double weight) {
  if (a.empty() || b.empty()) return 0;
  return a == b ? weight : -weight;
}

}  // namespace

std::vector<std::string> PersonBlockKeys(const PersonSummary& p) {
  std::string_view family, given;
  if (p.birth.year == 0 || p.sex == 0 || !Names(p, &family, &given)) return {};
  std::string suffix(1, '\0');
  suffix += YearTerm(p.birth.year);
  suffix.push_back('\0');
  suffix += std::to_string(p.sex);
  std::set<std::string> keys;
  for (const std::string& g : WithDeletions(given)) keys.insert(std::string(family) + " " + g + suffix);
  for (const std::string& f : WithDeletions(family)) keys.insert(f + " " + std::string(given) + suffix);
  return {keys.begin(), keys.end()};
}

bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or b one character longer at the end
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // one substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);
  }
  return a.substr(i) == b.substr(i + 1);  // one insertion into a
}

double SamePersonScore(const PersonSummary& a, const PersonSummary& b) {
  double score = NameScore(a.name, b.name) + DateScore(a.birth, b.birth) + NumberScore(a.citizen_no, b.citizen_no) +
                 RelativeScore(a.father, b.father) + RelativeScore(a.mother, b.mother) +
                 PlaceScore(a.hometown, b.hometown, 1) + PlaceScore(a.birth_registration, b.birth_registration, 0.5);
  if (a.ethnicity != 0 && b.ethnicity != 0 && a.ethnicity != b.ethnicity) score -= 3;
  return score;
}

bool LikelySamePerson(const PersonSummary& a, const PersonSummary& b) {
  if (a.id == b.id || a.sex != b.sex || a.birth.year != b.birth.year) return false;
  if (!a.citizen_no.empty() && a.citizen_no == b.citizen_no) return false;  // duplicate_citizen_no
  if (Lists(a, b.id) || Lists(b, a.id)) return false;
  return SamePersonScore(a, b) >= kSamePersonThreshold;
}

}  // namespace dancu::storage
