#pragma once
// Files that hold secrets — the store (audit signing key, HMAC key, clear ID numbers), token files,
// the TLS private key, a config file with a token — must not be open to other local users. These
// checks refuse such a file the same way everywhere, naming the file and the chmod that fixes it.
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace credit {

enum class Sharing {
  owner_only,  // 0600: token files, keys
  group_read,  // 0640 at most: the store, which a backup group may read
};

// Throws Error(code) when the file at `path` (`what` names it: "token file", "store" …) grants
// more than `sharing` allows. A missing file is not checked here (the caller reports it). With
// fd >= 0 the open file is checked (no race with a rename).
void require_private_file(const std::string& path, std::string_view what, ErrorCode code,
                          Sharing sharing, int fd = -1);

// Throws Error(code) when the directory holding `path` lets other users replace files in it
// (writable by others without the sticky bit, as /tmp has).
void require_safe_directory(const std::string& path, std::string_view what, ErrorCode code);

// Opens `path` for writing as a new file of mode 0600 (never follows a symlink, never replaces an
// existing file); throws Error(conflict) when it exists, Error(code) when it cannot be created.
// Returns the descriptor.
int create_private_file(const std::string& path, std::string_view what,
                        ErrorCode code = ErrorCode::bad_input);

}  // namespace credit
