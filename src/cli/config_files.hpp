#pragma once
// Configuration files: /etc/credit/credit.toml, then the user's ~/.config/credit/credit.toml, then
// each --config FILE; later files win over earlier ones, the command line over all of them, and
// all of them over the environment. A key or section the command tree does not know is an error
// that names the file and the closest valid key — a typo must not be ignored silently.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace credit::cli {

// The default files that exist, in the order they apply (system first). CREDIT_SYSTEM_CONFIG
// replaces the system path (tests, packaging); XDG_CONFIG_HOME is honoured for the user's file.
std::vector<std::string> default_config_files();

// The files given with --config on this command line, in order.
std::vector<std::string> explicit_config_files(int argc, char** argv);

// Throws a usage Error naming the file, the key and the closest valid key when `path` has a key
// or section that the full command tree `root` does not know.
void validate_config_file(const CLI::App& root, const std::string& path);

}  // namespace credit::cli
