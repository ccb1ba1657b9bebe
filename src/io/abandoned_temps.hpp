#pragma once
// Temporaries that a killed run left behind. A writer holds an exclusive flock on its temporary
// (file or directory) for as long as it lives; the kernel drops the lock when the process dies,
// however it dies. So the next writer beside it can tell an abandoned temporary from one that a
// concurrent run is still writing, with no pid files and no guessing from ages.
#include <string>

namespace credit::io {

// Locks the open temporary `fd` for its writer's lifetime (the lock goes with the descriptor).
void hold_temporary(int fd);

// Removes the entries of `dir` named `prefix` + 6 characters (mkstemp/mkdtemp's XXXXXX) that no
// live process holds. Best effort: whatever cannot be removed stays, for the next run. Call it
// under a CreationLock on `dir`.
void remove_abandoned_temporaries(const std::string& dir, const std::string& prefix);

// Held while a writer removes abandoned temporaries and creates and holds its own: between
// mkstemp and hold_temporary a new temporary is not locked yet, and another run's cleanup in the
// same directory must not take it for abandoned (two `publish` runs into one directory did).
// An exclusive flock on the directory, for microseconds; without one (the directory cannot be
// opened for reading) the writers go on unserialised.
class CreationLock {
 public:
  explicit CreationLock(const std::string& dir);
  ~CreationLock();
  CreationLock(const CreationLock&) = delete;
  CreationLock& operator=(const CreationLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace credit::io
