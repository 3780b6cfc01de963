#include "storage/search.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <set>

#include "storage/canonical.h"
#include "storage/change.capnp.h"
#include "storage/name_fold.h"
#include "storage/record_index.h"

namespace dancu::storage {

namespace {

// Case-folded NFC, for "typed exactly as stored, but for case".
std::string CaseFold(std::string_view utf8) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_SUCCESS(status)) s = nfc->normalize(s, status);
  s.foldCase();
  std::string out;
  s.toUTF8String(out);
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class NameSearch {
 public:
  NameSearch(const Store& store, NameQuery query, size_t limit)
      : store_(store), query_(std::move(query)), limit_(limit) {}

  Result<std::vector<SearchHit>> Run() {
    const std::string& q = query_.folded;
    struct Pass {
      IndexKind kind;
      std::string prefix;
      int rank;
    };
    const std::vector<Pass> passes = {
        {IndexKind::kName, IndexPrefix(IndexKind::kName, q), 1},
        {IndexKind::kNameSuffix, IndexPrefix(IndexKind::kNameSuffix, q), 2},
        {IndexKind::kName, IndexPrefix(IndexKind::kName, q + " ", false), 3},
        {IndexKind::kNameSuffix, IndexPrefix(IndexKind::kNameSuffix, q + " ", false), 4},
    };
    if (q.empty()) return hits_;
    // Year-matching candidates of every rank first, then the others if room remains.
    for (bool want_year_match : {true, false}) {
      if (!want_year_match && !query_.year) break;
      for (const Pass& pass : passes) {
        if (hits_.size() >= limit_) break;
        DANCU_RETURN_IF_ERROR(Collect(pass.prefix, pass.rank, want_year_match));
      }
    }
    DANCU_RETURN_IF_ERROR(MarkExactDiacritics());
    std::stable_sort(hits_.begin(), hits_.end(), [](const SearchHit& a, const SearchHit& b) {
      return std::tuple(!a.year_matches, a.rank, !a.exact_diacritics) <
             std::tuple(!b.year_matches, b.rank, !b.exact_diacritics);
    });
    return hits_;
  }

 private:
  Status Collect(const std::string& prefix, int rank, bool want_year_match) {
    size_t scanned = 0;
    return store_.ScanIndex(prefix, [&](std::string_view key, std::string_view) {
      if (++scanned > kMaxScanPerRank || hits_.size() >= limit_) return false;
      std::string_view term, year, id;
      if (!SplitNameKey(key, &term, &year, &id)) return true;
      bool year_matches = !query_.year || year == YearTerm(*query_.year);
      if (year_matches != want_year_match) return true;
      if (seen_.insert(std::string(id)).second) {
        hits_.push_back({std::string(id), rank, year_matches, false});
      }
      return true;
    });
  }

  Status MarkExactDiacritics() {
    const std::string typed = CaseFold(query_.text);
    for (SearchHit& hit : hits_) {
      if (hit.rank != 1) continue;
      auto bytes = store_.GetRecord(hit.record_id);
      if (!bytes.ok()) return bytes.status();
      if (!bytes->has_value()) continue;
      auto state = Parsed<schema::RecordState>::Parse(**bytes, "record " + hit.record_id);
      if (!state.ok()) return state.status();
      hit.exact_diacritics = CaseFold(state->get().getResident().getFullName().cStr()) == typed;
    }
    return Status::Ok();
  }

  const Store& store_;
  NameQuery query_;
  size_t limit_;
  std::vector<SearchHit> hits_;
  std::set<std::string, std::less<>> seen_;
};

Result<std::vector<std::string>> ListByPrefix(const Store& store, IndexKind kind, std::string_view term,
                                              size_t limit) {
  std::vector<std::string> ids;
  std::string prefix = IndexPrefix(kind, term);
  DANCU_RETURN_IF_ERROR(store.ScanIndex(prefix, [&](std::string_view key, std::string_view) {
    ids.emplace_back(key.substr(prefix.size()));
    return ids.size() < limit;
  }));
  return ids;
}

}  // namespace

NameQuery ParseNameQuery(std::string_view query) {
  NameQuery q;
  std::string_view text = query;
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  size_t space = text.rfind(' ');
  std::string_view last = space == std::string_view::npos ? text : text.substr(space + 1);
  if (last.size() == 4 && AllDigits(last)) {
    q.year = static_cast<uint16_t>(std::stoi(std::string(last)));
    text = space == std::string_view::npos ? std::string_view() : text.substr(0, space);
  }
  q.text = std::string(text);
  q.folded = FoldForSearch(text);
  return q;
}

Result<std::vector<SearchHit>> SearchByName(const Store& store, std::string_view query, size_t limit) {
  return NameSearch(store, ParseNameQuery(query), limit).Run();
}

Result<std::vector<std::string>> ListHousehold(const Store& store, std::string_view household_id,
                                               size_t limit) {
  return ListByPrefix(store, IndexKind::kHousehold, household_id, limit);
}

Result<std::vector<std::string>> ListUnit(const Store& store, std::string_view unit, size_t limit) {
  return ListByPrefix(store, IndexKind::kUnit, unit, limit);
}

}  // namespace dancu::storage
