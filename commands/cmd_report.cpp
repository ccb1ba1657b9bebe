// credit report summary|compliance|expiring|activity: options → the report action → a renderer of
// src/io/report_render.hpp. The report is computed by the service (docs/report.md).
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/context.hpp"
#include "io/atomic_file.hpp"
#include "io/report_render.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace {

struct ReportOptions {
  std::string from, to, month, dept, section, out;
  int64_t top = 0, days = 0;
};

Json report_params(const ReportOptions& o) {
  Json params = Json::object();
  auto set = [&](const char* key, const std::string& value) {
    if (!value.empty()) params[key] = value;
  };
  set("from", o.from);
  set("to", o.to);
  set("month", o.month);
  set("dept", o.dept);
  if (o.top) params["top"] = o.top;
  if (o.days) params["days"] = o.days;
  return params;
}

// Keeps only the section asked for (a plain table in csv).
void select_section(Json& doc, const std::string& id) {
  std::string ids;
  for (const auto& s : doc["sections"]) {
    if (s["id"] == id) {
      Json only = Json::array({s});
      doc["sections"] = std::move(only);
      return;
    }
    ids += (ids.empty() ? "" : ", ") + s["id"].get<std::string>();
  }
  fail(ErrorCode::usage, fmt::format("this report has no section '{}'", id),
       fmt::format("give one of: {}", ids));
}

void run_report(Context& ctx, const std::string& name, const ReportOptions& o) {
  ctx.document_formats = true;
  auto format = io::parse_report_format(ctx.options.format);
  if (!format)
    fail(ErrorCode::usage, fmt::format("a report cannot be written as {}", ctx.options.format),
         "use --format table, csv, json, markdown or html");
  ctx.guard_output(o.out, "--out");  // before the call, which is audited
  Json doc = ctx.call("report." + name, report_params(o));
  if (!o.section.empty()) select_section(doc, o.section);
  const std::string text = io::render_report(doc, *format);
  if (o.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  io::AtomicFile file(o.out);
  file.write(text);
  file.finish();
  file.commit();
  ctx.out().note(fmt::format("wrote {} ({} bytes)", o.out, text.size()));
}

void add_report(CLI::App& app, Context& ctx, const std::string& name, const std::string& help) {
  auto o = std::make_shared<ReportOptions>();
  auto* sub = app.add_subcommand(name, help);
  if (name == "expiring")
    sub->add_option("--days", o->days,
                    "the window: today and the next N-1 days (default 30); or give a period")
        ->check(CLI::Range(1, 3660));
  sub->add_option("--from", o->from, "first day of the period (YYYY-MM-DD, China date)");
  sub->add_option("--to", o->to, "last day of the period, inclusive (default: today)");
  sub->add_option("--month", o->month, "the period is this calendar month (YYYY-MM)");
  sub->add_option("--dept", o->dept,
                  "one department's USCC (数据来源单位); '*' for all (credit centre users only)");
  sub->add_option("--top", o->top, "how many authorities or users to list before 'other' (10)")
      ->check(CLI::Range(1, 100));
  sub->add_option("--section", o->section,
                  "print only this section (its id, as in the json output)");
  sub->add_option("--out", o->out, "write the report to FILE instead of stdout")->type_name("FILE");
  sub->callback([&ctx, name, o] { run_report(ctx, name, *o); });
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  add_report(app, ctx, "summary",
             "records of a period by kind, status, severity, authority, department; imports and "
             "their rejects");
  add_report(app, ctx, "compliance",
             "publication within the policy's working days; repairs and objections against "
             "their deadlines");
  add_report(app, ctx, "expiring", "open records whose publicity ends in the next N days");
  add_report(app, ctx, "activity", "operations by user and action from the audit log");
}

}  // namespace

extern const CommandDef cmd_report{
    "report",
    "statistics and compliance reports: table, csv, json, markdown, or html with charts",
    "Reports count; they never list a subject. Each covers a period — `--month YYYY-MM`, or "
    "`--from`/`--to` (China dates, inclusive; `--to` defaults to today), by default the current "
    "month — and a department: users of one department see only their own, credit-centre users "
    "('*') see all departments or one with `--dept USCC`.\n\n"
    "`summary` counts the records decided in the period by kind, status, severity, disclosure "
    "level, authority and department, with the trend and the period's imports and rejected rows. "
    "`compliance` checks the publication deadline of the active policy (national-2026: 7 working "
    "days after the decision, counted with the working-day calendar); checks whose data this "
    "store does not hold yet (repairs, objections) are shown as not available. `expiring` lists "
    "open records whose publicity ends within `--days N` from today (or in a period). `activity` "
    "counts the audit log's operations by user, action and outcome, refusals included.\n\n"
    "`--format html` writes one self-contained page with SVG charts (no scripts, nothing fetched) "
    "to open in a browser or print; `markdown` writes GitHub tables; `csv` writes each section as "
    "a block, or a plain table with `--section ID`; `json` is the report document itself "
    "(docs/report.md). Running a report needs the report.read right (admin, operator, reviewer, "
    "auditor, viewer) and is audited.",
    {{"credit report summary --month 2026-03 --token-file admin.token",
      "The month's records and imports, as a table"},
     {"credit report compliance --month 2026-03 --format html --out compliance-2026-03.html",
      "The publication deadlines of March as a page with charts"},
     {"credit report expiring --days 30 --dept 11110000000013127H --format csv",
      "What one department's records stop being published within 30 days"},
     {"credit report activity --from 2026-01-01 --to 2026-03-31 --format markdown",
      "The quarter's operations by user and action, as Markdown"},
     {"credit report summary --section by_authority --format csv",
      "One section as a plain CSV table"}},
    setup};

}  // namespace credit::cli
