#pragma once
// A command carries its own metadata, so --help, the man pages and the shell completions all come
// from one definition (see commands/ and cli/docs.cpp).
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace credit::cli {

class Context;

struct Example {
  std::string_view command;
  std::string_view explanation;
};

struct CommandDef {
  std::string_view name;         // "user"
  std::string_view summary;      // one line, shown in `credit --help`
  std::string_view description;  // the man page's DESCRIPTION (paragraphs separated by blank lines)
  std::vector<Example> examples;
  // Adds the command's options, subcommands and callbacks to `app` (already named and described).
  void (*setup)(CLI::App& app, Context& ctx);
  bool hidden = false;
};

// Every command, in the order `credit --help` lists them (cli/command_table.cpp).
const std::vector<const CommandDef*>& command_table();

}  // namespace credit::cli
