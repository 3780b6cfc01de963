// The console's static files (node/console/static/), compiled into the binary at build time by
// embed_static.cmake: no file is read from disk at run time, and the served bytes are the ones
// that were built and tested.
//
// Immutable data; thread-safe. Lifetime: the program's.
#pragma once

#include <string_view>

namespace dancu::console {

struct StaticAsset {
  std::string_view path;          // "index.html", "app.js", ...
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  std::string_view body;
};

// The asset at `path` (relative to static/), or nullptr.
const StaticAsset* FindStaticAsset(std::string_view path);

}  // namespace dancu::console
