// credit purge-expired: the nightly end of publicity.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"

namespace credit::cli {

namespace {

void setup(CLI::App& app, Context& ctx) {
  auto dry_run = std::make_shared<bool>(false);
  app.add_flag("--dry-run", *dry_run, "count what is due; change nothing");
  app.callback([&ctx, dry_run] {
    Json r = ctx.call("purge.expired", {{"dry_run", *dry_run}});
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    ctx.out().say(fmt::format(
        "{}purge-expired {}: {} expired, {} listings ended, {} repairs "
        "finalised",
        *dry_run ? "dry run: " : "", r["today"].get<std::string>(), r["expired"].get<int64_t>(),
        r["listings_ended"].get<int64_t>(), r["repairs_finalised"].get<int64_t>()));
  });
}

}  // namespace

extern const CommandDef cmd_purge{
    "purge-expired",
    "withdraw and archive records whose publicity period ended; end expired listings",
    "Run nightly by the scheduler (the publisher account). Every record whose publicity period "
    "has ended — its last day (publicity_until, the policy's maximum period or an earlier "
    "公示截止期) is before today in China time (CREDIT_NOW when set) — is withdrawn and archived: "
    "status expired, withdrawn_on today, kept with its whole history and queryable by authorised "
    "roles; nothing is deleted. Dishonest-list entries whose listing end date has passed end the "
    "same way (counted as listings ended). Repairs whose public notice ended without objection "
    "will be finalised here once the repair workflow exists (counted as repairs finalised, 0 "
    "until then). The next `credit publish` tells the portal to take the withdrawn records "
    "down.\n\n"
    "Running it again, or twice at once, changes nothing more: each run works in one transaction "
    "and takes only the records still due. One audit entry per run holds the counts and the "
    "affected record ids; each record keeps its previous version in its history. Prints a "
    "one-line summary (nothing with --quiet) and exits 0 when all went well; other exit statuses "
    "are in `man credit`. With --format json the result has the keys expired, listings_ended and "
    "repairs_finalised (and today, dry_run).\n\n"
    "Scheduling: the installed examples in share/credit/ run it every night at 00:05 China time "
    "as the service account, ten minutes before the hourly `credit publish` that tells the portal. "
    "systemd: copy systemd/credit-purge-expired.service and .timer to /etc/systemd/system and "
    "`systemctl enable --now credit-purge-expired.timer` (OnCalendar 00:05 Asia/Shanghai, "
    "Persistent: a night missed while the machine was off runs at boot). cron: copy cron/credit "
    "to /etc/cron.d/credit (CRON_TZ=Asia/Shanghai; it also holds the hourly publish). Both set "
    "CREDIT_STORE and CREDIT_TOKEN_FILE (the publisher's token, readable only by the service "
    "account) and use --quiet, so only warnings and errors are mailed or logged, and a non-zero "
    "exit status marks the run failed for monitoring.",
    {{"credit purge-expired --dry-run", "How many records are due today"},
     {"credit purge-expired --quiet", "The nightly run (silent unless something is wrong)"},
     {"CREDIT_NOW=2027-01-01 credit purge-expired --dry-run", "What will be due on a later day"}},
    setup};

}  // namespace credit::cli
