#include "io/kind_files.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "util/error.hpp"
#include "util/paths.hpp"

namespace credit::io {

const domain::KindSpec& shipped_kind_spec(domain::Kind kind) {
  static std::mutex mutex;
  static std::map<domain::Kind, domain::KindSpec> cache;  // entries are never removed
  std::lock_guard lock(mutex);
  auto it = cache.find(kind);
  if (it != cache.end()) return it->second;
  const std::string file = fmt::format("kinds/{}.json", domain::to_string(kind));
  try {
    auto spec = domain::parse_kind_spec(read_text_file(share_path(file)),
                                        read_text_file(share_path("kinds/values.json")));
    return cache.emplace(kind, std::move(spec)).first->second;
  } catch (const domain::KindSpecError& e) {
    fail(ErrorCode::internal, fmt::format("share/{} is not usable: {}", file, e.what()),
         "reinstall credit, or fix the file (share/kinds/README.md describes the format)");
  }
}

}  // namespace credit::io
