#include "storage/name_fold.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <cstdlib>
#include <memory>
#include <unordered_map>

namespace dancu::storage {

namespace {

const icu::Transliterator& ThreadTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
        "NFD; [:Nonspacing Mark:] Remove; Latin-ASCII; Lower", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !t) std::abort();  // ICU data missing: the build is broken
    return t;
  }();
  return *transliterator;
}

bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// The ICU fold of one space-free token. Names repeat their words endlessly (a commune has a few
// dozen family names and a few hundred given names), so each thread remembers the tokens it has
// folded; the transforms are the costly part of indexing a resident.
const std::string& FoldToken(std::string_view token) {
  constexpr size_t kMaxCached = 1 << 16;
  thread_local std::unordered_map<std::string, std::string> cache;
  auto it = cache.find(std::string(token));
  if (it != cache.end()) return it->second;
  if (cache.size() >= kMaxCached) cache.clear();
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(token.data(), static_cast<int32_t>(token.size())));
  ThreadTransliterator().transliterate(text);
  std::string folded;
  text.toUTF8String(folded);
  return cache.emplace(std::string(token), std::move(folded)).first->second;
}

}  // namespace

std::string FoldForSearch(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  auto emit = [&](std::string_view folded) {
    for (char c : folded) {
      if (IsAsciiAlnum(c)) {
        if (pending_space && !out.empty()) out.push_back(' ');
        pending_space = false;
        out.push_back(c);
      } else {
        pending_space = true;
      }
    }
  };
  size_t start = 0;
  while (start <= utf8.size()) {
    size_t space = utf8.find(' ', start);
    if (space == std::string_view::npos) space = utf8.size();
    std::string_view token = utf8.substr(start, space - start);
    if (!token.empty()) emit(FoldToken(token));
    pending_space = true;
    start = space + 1;
  }
  return out;
}

}  // namespace dancu::storage
