// credit migrate: upgrade an older store's schema, explicitly.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/context.hpp"

namespace credit::cli {

namespace {
void setup(CLI::App& app, Context& ctx) {
  auto dry_run = std::make_shared<bool>(false);
  app.add_flag("--dry-run", *dry_run, "list the pending migrations without applying them");
  app.callback([&ctx, dry_run] {
    Json result = ctx.call("store.migrate", {{"dry_run", *dry_run}});
    if (ctx.out().format() != io::Format::table) return ctx.out().object(result);
    const Json& names = *dry_run ? result["pending"] : result["applied"];
    if (names.empty())
      ctx.out().say(fmt::format("the store is at schema version {}: nothing to do",
                                result["from"].get<int>()));
    for (const auto& name : names)
      ctx.out().say(
          fmt::format("{} {}", *dry_run ? "pending:" : "applied:", name.get<std::string>()));
    if (!names.empty() && !*dry_run)
      ctx.out().say(
          fmt::format("schema {} → {}", result["from"].get<int>(), result["to"].get<int>()));
  });
}
}  // namespace

extern const CommandDef cmd_migrate{
    "migrate",
    "upgrade a store made by an older credit to the current schema",
    "Applies the schema migrations a store made by an older credit is missing, in one transaction "
    "with its audit entry. No other command migrates a store: they refuse an older store with "
    "exit status 8 and point here. Needs the admin role. Back up the store first.",
    {{"credit migrate --store store.db --token-file admin.token",
      "Upgrade a store after installing a new credit"}},
    setup};

}  // namespace credit::cli
