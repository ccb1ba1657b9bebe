// credit init: create a store and its first administrator.
#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/context.hpp"
#include "cli/render.hpp"

namespace credit::cli {

namespace {
struct InitOptions {
  std::string admin = "admin";
  int schema_version = 0;
};

void setup(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<InitOptions>();
  auto issued = std::make_shared<IssuedToken>();
  app.add_option("--admin", opts->admin, "name of the first administrator")->default_str("admin");
  issued->add_option(app);
  // Hidden: creates a store of an older schema, for tests of `credit migrate`.
  app.add_option("--schema-version", opts->schema_version)->group("");
  app.callback([&ctx, opts, issued] {
    Json params = {{"admin", opts->admin}};
    if (opts->schema_version) params["schema_version"] = opts->schema_version;
    issued->prepare();
    Json result = ctx.call_anonymous("store.init", params);
    ctx.out().note("created store " + ctx.options.store);
    issued->deliver(ctx, result);
  });
}
}  // namespace

extern const CommandDef cmd_init{
    "init",
    "create a store, run its migrations, create the first admin and print its token",
    "Creates a new store at --store (or CREDIT_STORE): an SQLite file in WAL mode with foreign "
    "keys "
    "on, its schema created by the migrations in share/credit/migrations. It never overwrites an "
    "existing file. The store holds secrets (the audit signing key, clear ID numbers): it is "
    "created mode 0600 whatever the umask, and every command refuses a store that other users may "
    "read; its directory must not be writable by every user.\n\n"
    "It creates the first administrator (--admin, default admin) and prints that account's token "
    "once: keep it in a file readable only by its owner (chmod 600) and pass it with --token-file "
    "or CREDIT_TOKEN. The token is stored only as a hash and cannot be shown again; "
    "`credit user token` issues a new one.\n\n"
    "The creation is audit entry 1 of the store's hash-chained log.",
    {{"credit init --store /srv/credit/store.db --format json > admin.json",
      "Create a store and keep the administrator's token"}},
    setup};

}  // namespace credit::cli
