// credit generate man|completions (hidden): the docs, from the command definitions themselves.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "cli/docs.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace {

void write_files(const std::map<std::string, std::string>& files, const std::string& dir,
                 Context& ctx) {
  for (const auto& [name, content] : files) {
    std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out)
      fail(ErrorCode::bad_input, fmt::format("cannot write {}", path),
           "check that the directory exists");
    ctx.out().info("wrote " + path);
  }
}

void setup_kind(CLI::App& parent, Context& ctx, const char* name, bool man) {
  auto dir = std::make_shared<std::string>(man ? "man" : "completions");
  auto* app = parent.add_subcommand(
      name, man ? "write the man pages" : "write bash, zsh and fish completions");
  app->add_option("--out", *dir, "the directory to write into")->type_name(kDirType);
  app->callback([&ctx, dir, man] {
    // A fresh tree, so the output never depends on what this process parsed.
    Context scratch;
    auto tree = build_app(scratch);
    write_files(man ? generate_man_pages(*tree) : generate_completions(*tree), *dir, ctx);
  });
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  setup_kind(app, ctx, "man", true);
  setup_kind(app, ctx, "completions", false);
}

}  // namespace

extern const CommandDef cmd_generate{
    "generate", "generate the man pages and shell completions (for maintainers)", "", {}, setup,
    true};

}  // namespace credit::cli
