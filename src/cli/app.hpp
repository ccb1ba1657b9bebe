#pragma once
#include <memory>
#include <string_view>

#include <CLI/CLI.hpp>

namespace credit::cli {

class Context;

inline constexpr std::string_view kProgramSummary =
    "public credit information platform toolkit (公共信用信息平台)";
extern const std::string_view kProgramDescription;

struct CommandDef;
// The whole command line: global options in one place, then every command of the table, each
// with its options, or (`only`) just that command's; the others are then names and summaries.
std::unique_ptr<CLI::App> build_app(Context& ctx, const CommandDef* only = nullptr);
// Parses and runs; returns the process exit code (see `man credit`, EXIT STATUS).
int run(int argc, char** argv);

// Option type names that the docs generators understand: a choice list "a|b|c", or FILE / DIR.
inline constexpr const char* kFileType = "FILE";
inline constexpr const char* kDirType = "DIR";

}  // namespace credit::cli
