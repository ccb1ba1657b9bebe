// credit whoami: the caller's account, role, department and rights.
#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/context.hpp"

namespace credit::cli {

namespace {
void setup(CLI::App& app, Context& ctx) {
  app.callback([&ctx] { ctx.out().object(ctx.call("whoami", Json::object())); });
}
}  // namespace

extern const CommandDef cmd_whoami{
    "whoami",
    "show the account the token belongs to, its role, department and rights",
    "Shows which account the given token authenticates as, with its role, its department ('*' is "
    "the credit centre) and the rights the role carries. Useful to check a token before a cron job "
    "relies on it.",
    {{"credit whoami --token-file publisher.token", "Check the scheduler's token"}},
    setup};

}  // namespace credit::cli
