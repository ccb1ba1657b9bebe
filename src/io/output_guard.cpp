#include "io/output_guard.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>

#include "util/error.hpp"

namespace credit::io {

namespace fs = std::filesystem;

namespace {
// The absolute path with every symlink of its existing part resolved.
fs::path resolved(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::path(path).lexically_normal() : p;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;  // a hard link too
  return resolved(a) == resolved(b);
}
}  // namespace

void refuse_clobbering(const std::string& path, std::string_view option,
                       const std::vector<std::string>& keep) {
  if (path.empty() || path == "-") return;
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
    throw Error(ErrorCode::usage,
                fmt::format("{} '{}' is a symbolic link; it is not followed to overwrite its "
                            "target",
                            option, path),
                "give the path of a regular file (or a new one)");
  for (const auto& input : keep) {
    if (input.empty() || input == "-" || !same_file(path, input)) continue;
    throw Error(ErrorCode::usage,
                fmt::format("{} '{}' is '{}', which this command reads; writing it would destroy "
                            "it",
                            option, path, input),
                "give another path for the output; nothing was written");
  }
}

std::vector<std::string> store_files(const std::string& store) {
  if (store.empty() || store.rfind("https://", 0) == 0 || store.rfind("http://", 0) == 0) return {};
  return {store, store + "-wal", store + "-shm"};
}

}  // namespace credit::io
