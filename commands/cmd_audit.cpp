// credit audit verify: the auditor's tools.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/context.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace {

void setup_verify(CLI::App& parent, Context& ctx) {
  auto* app = parent.add_subcommand("verify",
                                    "check the audit log's hash chain; exit 9 at the first break");
  app->callback([&ctx] {
    Json result = ctx.call("audit.verify", Json::object());
    if (ctx.out().format() != io::Format::table)
      ctx.out().object(result);
    else if (result["valid"].get<bool>())
      ctx.out().say(fmt::format("{}/{} entries valid, head {} {}",
                                result["valid_entries"].get<int64_t>(),
                                result["entries"].get<int64_t>(), result["head_seq"].get<int64_t>(),
                                result["head_hash"].get<std::string>()));
    if (!result["valid"].get<bool>())
      throw Error(
          ErrorCode::integrity,
          fmt::format("audit log broken at entry {}: {}", result["broken_seq"].get<int64_t>(),
                      result["problem"].get<std::string>()),
          "keep the store as it is for investigation; compare it with a backup or an export");
  });
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  setup_verify(app, ctx);
}

}  // namespace

extern const CommandDef cmd_audit{
    "audit",
    "verify the hash-chained audit log",
    "Every operation, allowed or refused, appends an entry to the store's audit log in the same "
    "transaction as the change it records: sequence number, UTC time (and the simulated time when "
    "CREDIT_NOW is set), actor, role, department, action, targets, parameters with personal values "
    "replaced by HMACs, outcome and reason. Each entry's SHA-256 hash covers a canonical "
    "serialisation of its fields and the previous entry's hash.\n\n"
    "`credit audit verify` recomputes the chain and exits 0 when it is intact, or 9 naming the "
    "first entry that was edited, deleted or reordered. Needs the auditor role; the verification "
    "is itself audited.",
    {{"credit audit verify --token-file auditor.token", "Verify the whole log"}},
    setup};

}  // namespace credit::cli
