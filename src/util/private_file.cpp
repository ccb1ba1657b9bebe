#include "util/private_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace credit {

namespace {
std::string parent_dir(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}
}  // namespace

void require_private_file(const std::string& path, std::string_view what, ErrorCode code,
                          Sharing sharing, int fd) {
  struct stat st;
  if ((fd >= 0 ? ::fstat(fd, &st) : ::stat(path.c_str(), &st)) != 0) return;
  const mode_t allowed = sharing == Sharing::group_read ? S_IRGRP : 0;
  const mode_t extra = st.st_mode & (S_IRWXG | S_IRWXO) & ~allowed;
  if (extra == 0) return;
  const char* fix = sharing == Sharing::group_read
                        ? "chmod 600 (or 640 for a group that may read it)"
                        : "chmod 600";
  throw Error(
      code,
      fmt::format("{} '{}' is accessible by {} (mode {:04o})", what, path,
                  (extra & S_IRWXO) ? "others" : "its group", st.st_mode & 07777),
      fmt::format("it holds secrets that other users must not read: run `{} {}`", fix, path));
}

void require_safe_directory(const std::string& path, std::string_view what, ErrorCode code) {
  const std::string dir = parent_dir(path);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return;  // opening the file reports it
  if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
    throw Error(code,
                fmt::format("the directory '{}' of {} '{}' is writable by every user (mode {:04o})",
                            dir, what, path, st.st_mode & 07777),
                fmt::format("anyone could replace the {} there: keep it in a directory only its "
                            "owners may write (`chmod o-w {}`)",
                            what, dir));
}

int create_private_file(const std::string& path, std::string_view what, ErrorCode code) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      throw Error(ErrorCode::conflict, fmt::format("{} '{}' exists already", what, path),
                  "it is never overwritten: choose a new file name, or remove the old file first");
    throw Error(code, fmt::format("cannot create {} '{}': {}", what, path, std::strerror(errno)),
                "check that the directory exists and that you may write to it");
  }
  // O_CREAT's mode is reduced by the umask; a umask cannot widen it, so 0600 stands.
  ::fchmod(fd, 0600);
  return fd;
}

}  // namespace credit
