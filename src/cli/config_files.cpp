#include "cli/config_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "cli/suggest.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace fs = std::filesystem;

std::vector<std::string> default_config_files() {
  std::vector<std::string> candidates;
  const char* system = std::getenv("CREDIT_SYSTEM_CONFIG");
  candidates.emplace_back(system != nullptr ? system : "/etc/credit/credit.toml");
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0')
    candidates.push_back(std::string(xdg) + "/credit/credit.toml");
  else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    candidates.push_back(std::string(home) + "/.config/credit/credit.toml");
  std::vector<std::string> existing;
  std::error_code ec;
  for (std::string& path : candidates)
    if (!path.empty() && fs::is_regular_file(path, ec)) existing.push_back(std::move(path));
  return existing;
}

std::vector<std::string> explicit_config_files(int argc, char** argv) {
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--config" && i + 1 < argc)
      files.emplace_back(argv[++i]);
    else if (arg.starts_with("--config="))
      files.emplace_back(arg.substr(9));
  }
  return files;
}

namespace {

// The keys a section accepts: the long names of its options (not --help, --config, --version).
std::vector<std::string> key_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options())
    for (const std::string& n : opt->get_lnames())
      if (n != "help" && n != "help-all" && n != "config" && n != "version") names.push_back(n);
  return names;
}

// `prefix` is the section path a key is in ("import."), shown with the key and the suggestion.
[[noreturn]] void unknown(const std::string& path, std::string_view what, const std::string& prefix,
                          const std::string& name, const std::vector<std::string>& valid) {
  std::string message = fmt::format("{}: unknown {} '{}{}'", path, what, prefix, name);
  if (auto guess = closest(name, valid))
    message += fmt::format(" — did you mean '{}{}'?", prefix, *guess);
  throw Error(ErrorCode::usage, message,
              "keys are the long option names without dashes; a [section] is a command, e.g. "
              "[import]; see `credit COMMAND --help`");
}

}  // namespace

void validate_config_file(const CLI::App& root, const std::string& path) {
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::FileError& e) {
    throw Error(ErrorCode::usage,
                fmt::format("cannot read the configuration file {}: {}", path, e.what()),
                "check the path given with --config, or the file's permissions");
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section boundaries
    const CLI::App* section = &root;
    std::string prefix;
    for (const std::string& parent : item.parents) {
      const CLI::App* next = find_subcommand(*section, parent);
      if (next == nullptr) unknown(path, "section", prefix, parent, visible_subcommands(*section));
      section = next;
      prefix += parent + ".";
    }
    const std::vector<std::string> keys = key_names(*section);
    if (std::find(keys.begin(), keys.end(), item.name) == keys.end())
      unknown(path, "key", prefix, item.name, keys);
  }
}

}  // namespace credit::cli
