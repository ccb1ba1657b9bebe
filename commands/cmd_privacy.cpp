// credit privacy scan: records whose free text would show personal data before screening.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"

namespace credit::cli {

namespace {

std::string joined(const Json& list) {
  std::string out;
  for (const auto& v : list)
    out += (out.empty() ? "" : ", ") + v.get<std::string>();
  return out;
}

// "phone 3, address 2": a by_data object as one cell.
std::string counts_text(const Json& by_data) {
  std::string out;
  for (const auto& [data, n] : by_data.items())
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", data, n.get<int64_t>());
  return out;
}

void render_scan(Context& ctx, const Json& r) {
  auto& out = ctx.out();
  out.say(
      fmt::format("{} of {} records at the public or shared level hold personal data in free "
                  "text before screening (policy {}){}",
                  r["records_with_personal_data"].get<int64_t>(), r["scanned"].get<int64_t>(),
                  r["policy"].get<std::string>(),
                  r["records_with_personal_data"].get<int64_t>() > 0 ? ":" : "."));
  if (r["records_with_personal_data"].get<int64_t>() == 0) return;
  out.say("  " + counts_text(r["by_data"]));
  Json depts = Json::array();
  for (const auto& d : r["by_department"])
    depts.push_back(
        {{"dept", d["dept"]}, {"records", d["records"]}, {"data", counts_text(d["by_data"])}});
  out.say("");
  out.rows({{"dept", "DEPARTMENT"}, {"records", "RECORDS"}, {"data", "BY KIND OF DATA"}}, depts);
  Json rows = Json::array();
  for (const auto& rec : r["records"])
    for (const auto& f : rec["fields"])
      rows.push_back({{"id", rec["id"]},
                      {"document_number", rec["document_number"]},
                      {"dept", rec["dept"]},
                      {"field", f["name"]},
                      {"data", joined(f["data"])}});
  if (rows.empty()) return;
  out.say("");
  out.rows({{"id", "RECORD"},
            {"document_number", "DOCUMENT"},
            {"dept", "DEPARTMENT"},
            {"field", "FIELD"},
            {"data", "KIND OF DATA"}},
           rows);
  if (r["more"].get<bool>())
    out.note(fmt::format("only the first {} records are listed; --limit N lists more",
                         r["records"].size()));
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  auto limit = std::make_shared<int64_t>(100);
  auto* scan = app.add_subcommand(
      "scan", "records whose free text would show personal data before screening, with counts");
  scan->add_option("--limit", *limit, "list at most N records (0: the counts only)")
      ->type_name("N");
  scan->callback([&ctx, limit] {
    Json r = ctx.call("privacy.scan", {{"limit", *limit}});
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    render_scan(ctx, r);
  });
}

}  // namespace

extern const CommandDef cmd_privacy{
    "privacy",
    "find personal data that departments wrote into free text",
    "`privacy scan` reads the free-text fields (违法事实, 处罚内容, 列入事由, 惩戒措施, 备注 …; "
    "the "
    "kinds mark them free_text) of every record at the public or shared disclosure level of the "
    "caller's departments (the credit centre: all) with the active profile's privacy rules, and "
    "lists the records whose public or shared view would contain personal data before screening: "
    "ID, phone and bank-card numbers, e-mail addresses, address details, health, religion and the "
    "natural-person subject's own name — counted by kind of data and department, each record with "
    "its fields and kinds of data, never the values. Releases, record show and reports screen "
    "these fields anyway; the scan is for the credit centre to ask departments to correct their "
    "exports.",
    {{"credit privacy scan --token-file centre.token", "Counts and the first 100 records"},
     {"credit privacy scan --limit 0 --format json", "Only the counts, for a dashboard"}},
    setup};

}  // namespace credit::cli
