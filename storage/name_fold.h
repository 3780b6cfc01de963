// Folding of Vietnamese names for search: "NGUYỄN  Văn-An" -> "nguyen van an".
//
// Diacritics are removed and letters lower-cased with ICU's transforms (Latin-ASCII maps đ/Đ to
// d), every run of non-alphanumerics becomes one space, and the ends are trimmed. The fold is what
// the name index stores and what queries are compared against, so `nguyen van an` and
// `NGUYỄN VĂN AN` both find `Nguyễn Văn An`.
//
// Thread-safe: each thread uses its own ICU transliterator. Invalid UTF-8 folds to the replacement
// of its bad bytes (search input is never rejected for encoding).
#pragma once

#include <string>
#include <string_view>

namespace dancu::storage {

std::string FoldForSearch(std::string_view utf8);

}  // namespace dancu::storage
