#pragma once
// Where the data files live at run time, and reading them.
#include <optional>
#include <string>
#include <vector>

namespace credit {

// CREDIT_SHARE when set; else the installed share/credit beside the binary; else the source tree's
// share/ (for a build that was not installed).
std::string share_dir();
std::string share_path(const std::string& relative);

// Reads a whole (small) file; throws Error(not_found or bad_input) naming it.
std::string read_text_file(const std::string& path);
bool file_exists(const std::string& path);
// File names (not paths) in a directory ending with `suffix`, sorted.
std::vector<std::string> list_files(const std::string& dir, const std::string& suffix);

}  // namespace credit
