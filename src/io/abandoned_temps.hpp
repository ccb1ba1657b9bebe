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
// live process holds. Best effort: whatever cannot be removed stays, for the next run.
void remove_abandoned_temporaries(const std::string& dir, const std::string& prefix);

}  // namespace credit::io
