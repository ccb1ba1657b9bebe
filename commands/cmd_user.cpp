// credit user add/list/disable/enable/token: accounts and their tokens.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "cli/render.hpp"

namespace credit::cli {

namespace {

struct UserOptions {
  std::string name, role, dept;
};

void setup_add(CLI::App& parent, Context& ctx) {
  auto opts = std::make_shared<UserOptions>();
  auto issued = std::make_shared<IssuedToken>();
  auto* app = parent.add_subcommand("add", "create an account and print its token once");
  issued->add_option(*app);
  app->add_option("name", opts->name, "the account name (letters, digits, . _ @ -)")->required();
  app->add_option("--role", opts->role, "the account's role")
      ->required()
      ->check(CLI::IsMember({"admin", "operator", "reviewer", "publisher", "auditor", "viewer"})
                  .description(""))
      ->type_name("admin|operator|reviewer|publisher|auditor|viewer");
  app->add_option("--dept", opts->dept,
                  "the department's unified social credit code, or '*' for the credit centre "
                  "(required for operator and reviewer)")
      ->type_name("USCC");
  app->callback([&ctx, opts, issued] {
    Json params = {{"name", opts->name}, {"role", opts->role}};
    if (!opts->dept.empty()) params["dept"] = opts->dept;
    issued->prepare();
    issued->deliver(ctx, ctx.call("user.add", params));
  });
}

void setup_list(CLI::App& parent, Context& ctx) {
  auto* app = parent.add_subcommand("list", "list accounts with their role, department and status");
  app->callback([&ctx] {
    Json result = ctx.call("user.list", Json::object());
    ctx.out().rows({{"name", "NAME"},
                    {"role", "ROLE"},
                    {"dept", "DEPT"},
                    {"status", "STATUS"},
                    {"created_at", "CREATED"},
                    {"token_issued_at", "TOKEN ISSUED"},
                    {"token_issued_by", "TOKEN ISSUED BY"}},
                   result["users"]);
  });
}

void setup_status(CLI::App& parent, Context& ctx, bool disable) {
  auto name = std::make_shared<std::string>();
  auto* app = parent.add_subcommand(disable ? "disable" : "enable",
                                    disable ? "disable an account at once: its token stops working"
                                            : "re-enable a disabled account");
  app->add_option("name", *name, "the account name")->required();
  app->callback([&ctx, name, disable] {
    Json result = ctx.call(disable ? "user.disable" : "user.enable", {{"name", *name}});
    if (ctx.out().format() != io::Format::table) return ctx.out().object(result);
    ctx.out().say(
        result["changed"].get<bool>()
            ? fmt::format("user '{}' is now {}", *name, result["status"].get<std::string>())
            : fmt::format("user '{}' was already {}", *name, result["status"].get<std::string>()));
  });
}

void setup_token(CLI::App& parent, Context& ctx) {
  auto name = std::make_shared<std::string>();
  auto issued = std::make_shared<IssuedToken>();
  auto* app = parent.add_subcommand(
      "token", "issue a new token for an account (default: your own); the old one stops working");
  app->add_option("name", *name, "the account name (admin only, for another account)");
  issued->add_option(*app);
  app->callback([&ctx, name, issued] {
    Json params = Json::object();
    if (!name->empty()) params["name"] = *name;
    issued->prepare();
    issued->deliver(ctx, ctx.call("user.token", params));
  });
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  setup_add(app, ctx);
  setup_list(app, ctx);
  setup_status(app, ctx, true);
  setup_status(app, ctx, false);
  setup_token(app, ctx);
}

}  // namespace

extern const CommandDef cmd_user{
    "user",
    "manage accounts, roles, departments and tokens",
    "Accounts are people and the scheduler. Each has one role: admin (accounts and configuration, "
    "no credit data), operator (imports and corrects its department's records, records repairs and "
    "objections), reviewer (approves its department's imports and repairs, resolves objections, "
    "never its own work), publisher (the scheduler's account: publish and purge-expired), auditor "
    "(reads and verifies the audit log) and viewer (queries and reports).\n\n"
    "Operators and reviewers act for one department, given as its unified social credit code; '*' "
    "is the credit centre and covers every department.\n\n"
    "A token carries 256 random bits, is shown once and stored only as a hash. `user token` "
    "rotates it; `user disable` stops an account at once. Only an admin manages accounts; anyone "
    "may rotate their own token.",
    {{"credit user add zhang.wei --role operator --dept 11110000000000001K --format json",
      "Create an operator for one department and capture the token"},
     {"credit user add scheduler --role publisher", "Create the scheduler's account"},
     {"credit user disable zhang.wei", "Stop an account at once"}},
    setup};

}  // namespace credit::cli
