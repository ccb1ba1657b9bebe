#pragma once
// Man pages and shell completions, generated from the CLI11 definitions and the commands' metadata
// (`credit generate`). The generated files are committed; a test fails when they are stale.
#include <map>
#include <string>

namespace CLI {
class App;
}

namespace credit::cli {

// File name → content: "credit.1", "credit-user.1", …
std::map<std::string, std::string> generate_man_pages(const CLI::App& app);
// "credit.bash", "_credit" (zsh), "credit.fish"
std::map<std::string, std::string> generate_completions(const CLI::App& app);

}  // namespace credit::cli
