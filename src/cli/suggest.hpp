#pragma once
// Typo help: when a command line does not parse, name the word the command tree does not know and
// the closest one it does ("unknown command 'imprt' — did you mean 'import'?").
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credit::cli {

// Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be what was meant.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// The names of `app`'s visible subcommands, and the subcommand called `name` (nullptr if none).
std::vector<std::string> visible_subcommands(const CLI::App& app);
const CLI::App* find_subcommand(const CLI::App& app, std::string_view name);

// Why `argv` does not parse against the full command tree `root`, when the cause is a word it does
// not know (a command, an option) or a command group given no command; nullopt otherwise.
std::optional<std::string> explain_unknown_word(const CLI::App& root, int argc, char** argv);

}  // namespace credit::cli
