#pragma once
// Temporaries that a killed run left behind. A writer holds an exclusive flock on its temporary
// (file or directory) for as long as it lives; the kernel drops the lock when the process dies,
// however it dies. So the next writer beside it can tell an abandoned temporary from one that a
// concurrent run is still writing, with no pid files and no guessing from ages.
#include <string>

namespace credit::io {

enum class TemporaryKind { file, directory };

// Creates a temporary from `path_template` (mkstemp/mkdtemp's, ending in XXXXXX, which it fills
// in) and holds it through the returned descriptor, after removing the abandoned temporaries of the
// same name pattern beside it. Its mode is a plain create's (0666 or 0777 less the umask). Returns
// the descriptor, or -1 with errno set.
int create_held_temporary(std::string& path_template, TemporaryKind kind);

}  // namespace credit::io
