#include "io/abandoned_temps.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace credit::io {

namespace {

namespace fs = std::filesystem;

// Removes the entries of `dir` named `prefix` + 6 characters that no live process holds. Best
// effort: whatever cannot be removed stays, for the next run.
void remove_abandoned_temporaries(const std::string& dir, const std::string& prefix) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
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

// Held while a writer removes abandoned temporaries and creates and holds its own: between
// mkstemp and flock a new temporary is not locked yet, and another run's cleanup in the same
// directory must not take it for abandoned (two `publish` runs into one directory did). An
// exclusive flock on the directory, for microseconds; without one (the directory cannot be opened
// for reading) the writers go on unserialised.
class CreationLock {
 public:
  explicit CreationLock(const std::string& dir)
      : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) return;
    while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~CreationLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  CreationLock(const CreationLock&) = delete;
  CreationLock& operator=(const CreationLock&) = delete;

 private:
  int fd_;
};

int create(std::string& path_template, TemporaryKind kind) {
  if (kind == TemporaryKind::file) return ::mkstemp(path_template.data());
  if (::mkdtemp(path_template.data()) == nullptr) return -1;
  int fd = ::open(path_template.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    ::rmdir(path_template.c_str());
    errno = error;
  }
  return fd;
}

// The umask, read once: reading it means setting it, and two threads doing that at once can leave
// it 0 for the whole process (the unit test's writers in threads did).
mode_t process_umask() {
  static const mode_t mask = [] {
    mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }();
  return mask;
}

}  // namespace

int create_held_temporary(std::string& path_template, TemporaryKind kind) {
  const fs::path path(path_template);
  const std::string dir = path.has_parent_path() ? path.parent_path().string() : ".";
  std::string prefix = path.filename().string();
  prefix.resize(prefix.size() - 6);  // the XXXXXX
  CreationLock creating(dir);
  remove_abandoned_temporaries(dir, prefix);
  int fd = create(path_template, kind);
  if (fd < 0) return fd;
  ::flock(fd, LOCK_EX | LOCK_NB);  // a fresh name: nobody else holds it
  // mkstemp/mkdtemp make it private; give it the mode a plain create would (less the umask).
  ::fchmod(fd, (kind == TemporaryKind::file ? 0666 : 0777) & ~process_umask());
  return fd;
}

}  // namespace credit::io
