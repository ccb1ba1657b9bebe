#pragma once
// An output never destroys an input. Every path a command writes (--rejects, --out, an export and
// its manifest) is checked before anything is written: it must not be a symbolic link (which would
// be followed to overwrite its target), nor resolve — through symlinks, "..", or a hard link — to
// the store, its -wal or -shm, or an input file of the same command.
#include <string>
#include <string_view>
#include <vector>

namespace credit::io {

// Throws Error(usage) naming `option` and the file it would destroy.
void refuse_clobbering(const std::string& path, std::string_view option,
                       const std::vector<std::string>& keep);

// The files of a local store (the file, -wal, -shm); none for a remote (https://) store.
std::vector<std::string> store_files(const std::string& store);

}  // namespace credit::io
