#include "storage/name_fold.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <cstdlib>
#include <memory>

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

}  // namespace

std::string FoldForSearch(std::string_view utf8) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  ThreadTransliterator().transliterate(text);
  std::string folded;
  text.toUTF8String(folded);

  std::string out;
  out.reserve(folded.size());
  bool pending_space = false;
  for (char c : folded) {
    if (IsAsciiAlnum(c)) {
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.push_back(c);
    } else {
      pending_space = true;
    }
  }
  return out;
}

}  // namespace dancu::storage
