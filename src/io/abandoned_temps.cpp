#include "io/abandoned_temps.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace credit::io {

void hold_temporary(int fd) {
  ::flock(fd, LOCK_EX | LOCK_NB);  // a fresh mkstemp/mkdtemp name: nobody else holds it
}

void remove_abandoned_temporaries(const std::string& dir, const std::string& prefix) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::directory_iterator it(dir.empty() ? "." : dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) continue;
    // O_NOFOLLOW: a symlink with a temporary's name is not ours to follow or to judge.
    int fd = ::open(it->path().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
    ::close(fd);  // releases the lock taken to remove it
  }
}

CreationLock::CreationLock(const std::string& dir)
    : fd_(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
  if (fd_ < 0) return;
  while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
  }
}

CreationLock::~CreationLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace credit::io
