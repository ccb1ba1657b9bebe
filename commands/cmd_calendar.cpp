// credit calendar show/load: the working-day calendar deadlines are counted in.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"

namespace credit::cli {

namespace {

std::string day_span(const Json& dates) {
  if (dates.empty()) return "-";
  std::string first = dates.front().get<std::string>(), last = dates.back().get<std::string>();
  return dates.size() == 1 ? first : fmt::format("{} … {} ({} days)", first, last, dates.size());
}

void render_year(Context& ctx, const Json& r) {
  auto& out = ctx.out();
  out.say(fmt::format("{}: {} working days; source: {}", r["year"].get<int>(),
                      r["working_days"].get<int>(),
                      r["source"].is_null() ? "none" : r["source"].get<std::string>()));
  if (r.contains("warning")) out.warn(r["warning"].get<std::string>());
  if (!r.contains("holidays")) return;
  Json rows = Json::array();
  for (const auto& h : r["holidays"])
    rows.push_back({{"name", h["name"]}, {"off", day_span(h["off"])}, {"work", h["work"]}});
  out.rows({{"name", "HOLIDAY"}, {"off", "DAYS OFF"}, {"work", "MAKE-UP WORKING DAYS"}}, rows);
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  auto year = std::make_shared<int>(0);
  auto* show =
      app.add_subcommand("show", "show a year's holidays, make-up working days and source");
  show->add_option("year", *year, "the year (without it: the years with data)");
  show->callback([&ctx, year] {
    Json params = Json::object();
    if (*year) params["year"] = *year;
    Json r = ctx.call("calendar.show", params);
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    if (*year)
      render_year(ctx, r);
    else
      ctx.out().rows({{"year", "YEAR"}, {"holidays", "HOLIDAYS"}, {"source", "SOURCE"}},
                     r["years"]);
  });
  auto file = std::make_shared<std::string>();
  auto* load =
      app.add_subcommand("load", "load a year's State Council holiday notice (admin; audited)");
  load->add_option("file", *file, "the year's file: credit's calendar format or holiday-cn's")
      ->required()
      ->type_name(kFileType);
  load->callback([&ctx, file] {
    std::vector<service::InputFile> inputs = {
        {*file, std::shared_ptr<io::ByteSource>(io::open_file_source(*file))}};
    Json r = ctx.call("calendar.load", Json::object(), std::move(inputs));
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    ctx.out().say(fmt::format("loaded the {} calendar ({} holiday arrangements)",
                              r["loaded"].get<int>(), r["holidays"].get<size_t>()));
  });
}

}  // namespace

extern const CommandDef cmd_calendar{
    "calendar",
    "show and update the working-day calendar that deadlines are counted in",
    "Deadlines — publication within 7 working days of a decision, objection verification, repair "
    "decisions, the public notice of a repair — are counted in working days (工作日) of the "
    "Chinese "
    "public calendar: weekends and statutory holidays are off, make-up working days (调休) are "
    "on.\n\n"
    "The facts for 2007–2026 ship in share/credit/calendar, one file a year, converted from the "
    "State "
    "Council notices. A year without data is computed on weekends alone, and every result that "
    "crosses such a year carries a warning naming it.\n\n"
    "When the State Council publishes next year's notice (usually in November), an administrator "
    "loads it with `credit calendar load FILE`: a file in credit's format (share/credit/calendar/"
    "README.md) or a year file of the holiday-cn project. The year is checked, stored in the store "
    "(where it takes precedence over share/) and audited; days the notice sets in late December of "
    "the year before join that year. Alternatively drop the file into share/credit/calendar: it is "
    "read at run time, no rebuild needed.",
    {{"credit calendar show 2025", "The 2025 holidays and make-up working days"},
     {"credit calendar load 2027.json --token-file admin.token", "Load next year's notice"}},
    setup};

}  // namespace credit::cli
