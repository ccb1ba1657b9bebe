// credit publish: the scheduler's hourly release to the credit portal.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "cli/publish_delivery.hpp"

namespace credit::cli {

namespace {

std::string counts_text(const Json& r) {
  std::string text = fmt::format("{} published", r["published"].get<int64_t>());
  std::vector<std::string> parts;
  for (const char* key : {"new", "amended", "unchanged"})
    if (r.value(key, int64_t{0}) > 0)
      parts.push_back(fmt::format("{} {}", r[key].get<int64_t>(), key));
  if (!parts.empty()) text += " (" + fmt::format("{}", fmt::join(parts, ", ")) + ")";
  return text + fmt::format(", {} withdrawn", r["withdrawn"].get<int64_t>());
}

// Late publications are worth a look even in a quiet scheduled run: warnings on stderr.
void warn_late(Context& ctx, const Json& r, bool predicted) {
  const int64_t late = r.value("late", int64_t{0});
  if (late == 0) return;
  for (const auto& l : r["late_records"])
    ctx.out().warn(fmt::format("record {} (decided {}) {} {}, after its publication deadline {}",
                               l["record"].get<int64_t>(), l["decided_on"].get<std::string>(),
                               predicted ? "would be published" : "published",
                               l["published_on"].get<std::string>(),
                               l["deadline"].get<std::string>()));
  if (late > static_cast<int64_t>(r["late_records"].size()))
    ctx.out().warn(fmt::format("{} records in all {} late; `credit report` lists them", late,
                               predicted ? "would be published" : "were published"));
}

void render_plan(Context& ctx, const Json& r) {
  for (const auto& w : r["warnings"])
    ctx.out().warn(w.get<std::string>());
  warn_late(ctx, r, true);
  if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
  if (!r["pending"].is_null())
    ctx.out().say(fmt::format("dry run: release {} is pending and would be sent again first",
                              r["pending"]["sequence"].get<int64_t>()));
  if (r["sequence"].is_null())
    ctx.out().say("dry run: nothing to publish or withdraw");
  else
    ctx.out().say(fmt::format("dry run: release {} would have {}", r["sequence"].get<int64_t>(),
                              counts_text(r)));
}

void render_result(Context& ctx, const Json& r) {
  warn_late(ctx, r, false);
  if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
  if (r["releases"].empty()) return ctx.out().say("nothing to publish or withdraw");
  for (const auto& rel : r["releases"]) {
    std::string what =
        rel["already_delivered"].get<bool>() ? "was delivered by another run" : counts_text(rel);
    ctx.out().say(fmt::format("release {}{} → {}: {}", rel["sequence"].get<int64_t>(),
                              rel["resend"].get<bool>() ? " (sent again)" : "",
                              rel["delivered_to"].get<std::string>(), what));
  }
}

void setup(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<PublishOptions>();
  auto* out = app.add_option("--out", o->out_dir,
                             "write the release into DIR/release-NNNNNN (manifest.json, "
                             "upsert.ndjson, withdraw.ndjson), atomically")
                  ->type_name(kDirType);
  auto* to = app.add_option("--to", o->url,
                            "POST the release to the portal at this https:// URL; it counts as "
                            "delivered once the portal answers 2xx")
                 ->type_name("URL")
                 ->excludes(out);
  app.add_option("--portal-cacert", o->portal_cacert,
                 "trust the CA certificate in this PEM FILE for the portal (a private CA); the "
                 "portal's certificate is always verified")
      ->envname("CREDIT_PORTAL_CACERT")
      ->type_name(kFileType);
  app.add_flag("--full", o->full,
               "a complete snapshot: every record the portal should show, instead of the changes "
               "since the last release");
  app.add_flag("--dry-run", o->dry_run, "report what the next release would hold; change nothing");
  app.add_option("--attempts", o->attempts, "attempts to deliver to the portal before giving up")
      ->check(CLI::Range(1, 100))
      ->default_str("5")
      ->needs(to);
  app.add_option("--timeout", o->timeout_seconds, "seconds allowed for each attempt")
      ->check(CLI::Range(0.1, 86400.0))
      ->default_str("60")
      ->needs(to);
  app.add_option("--retry-delay", o->retry_delay_seconds,
                 "seconds before the second attempt; doubled for each further one (at most 60)")
      ->check(CLI::Range(0.0, 60.0))
      ->default_str("2")
      ->needs(to);
  app.callback([&ctx, o] {
    if (o->dry_run) return render_plan(ctx, run_publication(ctx, *o));
    render_result(ctx, run_publication(ctx, *o));
  });
}

}  // namespace

extern const CommandDef cmd_publish{
    "publish",
    "deliver the next release to the credit portal: what to publish and what to withdraw",
    "Computes what changed since the last release — records to publish (committed, published by "
    "the policy, public disclosure level, within their publicity period; an amended published "
    "record is published again with its new content) and records to withdraw (expired, repaired, "
    "revoked, no longer public) — and delivers it as a numbered release: upsert.ndjson and "
    "withdraw.ndjson with the public fields only (a natural person's name keeps its surname, ID "
    "numbers are masked as the policy says, a legal representative's ID number and the note "
    "never appear) and manifest.json with the counts, each file's SHA-256, the sequence and the "
    "previous sequence. Where the policy has a public notice of proposed repairs (Dandong Art. "
    "12(6)), a release also carries repair_notices.ndjson: the notices (拟信用修复公示) with their "
    "last day, and their withdrawal once ended or decided. docs/publication.md describes the "
    "format for the portal.\n\n"
    "--out DIR writes DIR/release-NNNNNN through a temporary directory renamed into place; --to "
    "URL POSTs the files (multipart/form-data) with the header Idempotency-Key: NNN, retrying "
    "failed attempts with a doubling delay; TLS is always verified. Records count as published, "
    "with that day as their publication date, only once the release is delivered: the files are "
    "written and synced, or the portal answered 2xx. A release that was not delivered stays "
    "pending and is sent again, identical and under the same number, before any new one is cut, "
    "so a failed run loses nothing and a repeated one publishes nothing twice. A first "
    "publication more than the policy's deadline (7 working days, on the working-day calendar) "
    "after the decision is reported as late, on stderr and in the result, and kept for `credit "
    "report`.\n\n"
    "The scheduler runs this hourly as the publisher, with --quiet: it prints nothing unless "
    "something is wrong, and the exit status tells monitoring what happened (0 delivered or "
    "nothing to do, 10 the portal did not accept the release, 8 the store is unavailable). "
    "The installed examples in share/credit/ run it every hour at a quarter past, China time: "
    "systemd — copy systemd/credit-publish.service and .timer to /etc/systemd/system and "
    "`systemctl enable --now credit-publish.timer` (set --out or --to in the service's "
    "ExecStart); cron — copy cron/credit to /etc/cron.d/credit (CRON_TZ=Asia/Shanghai; it also "
    "holds the nightly purge-expired). Both run as the service account with the publisher's token "
    "in a file only it can read (CREDIT_TOKEN_FILE) and the store in CREDIT_STORE. With --format "
    "json the result has the keys sequence (the last release delivered, null when none), "
    "published, withdrawn, late and releases (one entry per release).",
    {{"credit publish --dry-run", "What the next release would publish and withdraw"},
     {"credit publish --out /srv/portal/inbox --quiet", "The hourly run, into the portal's inbox"},
     {"credit publish --to https://portal.example.gov.cn/api/releases --portal-cacert ca.pem",
      "Push the release to the portal over HTTPS"},
     {"credit publish --full --out /srv/portal/inbox",
      "A complete snapshot, e.g. for a new portal"},
     {"CREDIT_STORE=/var/lib/credit/store.db CREDIT_TOKEN_FILE=/etc/credit/publisher.token credit "
      "publish --out /srv/portal/inbox --quiet",
      "As in share/credit/cron/credit"}},
    setup};

}  // namespace credit::cli
