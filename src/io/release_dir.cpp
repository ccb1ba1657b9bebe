#include "io/release_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "io/abandoned_temps.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

namespace credit::io {

namespace {

bool plain_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name[0] == '.') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return false;
  return true;
}

void sync_directory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

ReleaseDir::ReleaseDir(std::string parent) : parent_(std::move(parent)) {
  temp_ = parent_ + "/.release.tmp-XXXXXX";
  lock_fd_ = create_held_temporary(temp_, TemporaryKind::directory);
  if (lock_fd_ < 0)
    throw Error(ErrorCode::bad_input,
                fmt::format("cannot create a directory in '{}': {}", parent_, std::strerror(errno)),
                "check that the directory exists and that you may write to it");
}

ReleaseDir::~ReleaseDir() {
  for (auto& [name, f] : files_)
    if (f.stream) std::fclose(f.stream);
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove_all(temp_, ec);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void ReleaseDir::failed(const std::string& what) const {
  throw Error(ErrorCode::internal,
              fmt::format("{} in '{}' failed: {}", what, temp_, std::strerror(errno)),
              "check the free space and permissions of the directory");
}

ReleaseDir::File& ReleaseDir::open(const std::string& file) {
  auto it = files_.find(file);
  if (it != files_.end()) return it->second;
  if (!plain_name(file))
    fail(ErrorCode::integrity, fmt::format("a release file may not be named '{}'", file),
         "the store's server sent an unexpected file name; check its version");
  File f;
  f.stream = std::fopen(temp_path(file).c_str(), "wbx");
  if (f.stream == nullptr) failed("creating " + file);
  f.sha = std::make_unique<crypto::Sha256>();
  f.written.name = file;
  return files_.emplace(file, std::move(f)).first->second;
}

void ReleaseDir::write(File& f, std::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), f.stream) != data.size())
    failed("writing " + f.written.name);
  f.sha->update(data);
  f.written.bytes += static_cast<int64_t>(data.size());
}

void ReleaseDir::append_line(const std::string& file, std::string_view line) {
  File& f = open(file);
  write(f, line);
  write(f, "\n");
  ++f.written.lines;
}

void ReleaseDir::touch(const std::string& file) {
  open(file);
}

void ReleaseDir::write_file(const std::string& file, std::string_view content) {
  File& f = open(file);
  write(f, content);
  f.written.lines += static_cast<int64_t>(std::count(content.begin(), content.end(), '\n'));
}

std::map<std::string, ReleaseDir::Written> ReleaseDir::finish() {
  std::map<std::string, Written> out;
  for (auto& [name, f] : files_) {
    if (f.stream) {
      if (std::fflush(f.stream) != 0 || ::fsync(::fileno(f.stream)) != 0) failed("syncing " + name);
      if (std::fclose(f.stream) != 0) {
        f.stream = nullptr;
        failed("closing " + name);
      }
      f.stream = nullptr;
      f.written.sha256 = f.sha->hex_digest();
    }
    out[name] = f.written;
  }
  sync_directory(temp_);
  return out;
}

std::string ReleaseDir::temp_path(const std::string& file) const {
  return temp_ + "/" + file;
}

bool ReleaseDir::commit(const std::string& name, const std::string& same_file) {
  if (!plain_name(name))
    fail(ErrorCode::integrity, fmt::format("a release directory may not be named '{}'", name));
  const std::string target = parent_ + "/" + name;
  if (std::rename(temp_.c_str(), target.c_str()) == 0) {
    committed_ = true;
    sync_directory(parent_);
    return true;
  }
  if (errno != ENOTEMPTY && errno != EEXIST) failed("renaming into " + target);
  // Delivered there before (a re-sent release, or a concurrent run): fine if identical.
  const std::string there = target + "/" + same_file;
  if (file_exists(there) && read_text_file(there) == read_text_file(temp_path(same_file)))
    return false;
  fail(ErrorCode::conflict, fmt::format("'{}' exists already and holds another release", target),
       "each store numbers its releases from 1: give each store its own --out directory, or "
       "move the old directory away");
}

}  // namespace credit::io
