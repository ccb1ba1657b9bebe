// The working-day calendar: calendar.show, calendar.load.
#include <fmt/format.h>

#include <map>
#include <mutex>

#include "io/byte_source.hpp"
#include "service/calendar_data.hpp"
#include "service/modules.hpp"
#include "service/service.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

namespace credit::service {

namespace {

using domain::CalendarYear;
using domain::Date;

struct YearSource {
  CalendarYear year;
  std::string origin;  // "share/calendar/2025.json" or "store (loaded 2026-12-01 by admin)"
};

std::map<int, YearSource> share_years() {
  std::map<int, YearSource> years;
  std::string dir = share_path("calendar");
  for (const auto& file : list_files(dir, ".json")) {
    try {
      CalendarYear y = domain::parse_calendar_year(read_text_file(dir + "/" + file));
      years[y.year] = {std::move(y), "share/calendar/" + file};
    } catch (const domain::CalendarError& e) {
      throw Error(ErrorCode::bad_input, fmt::format("{}/{}: {}", dir, file, e.what()),
                  "fix or remove the file; `credit calendar load` checks a file before use");
    }
  }
  return years;
}

std::map<int, YearSource> effective_years(store::Db& db) {
  auto years = share_years();
  auto stmt = db.prepare("SELECT year, content, loaded_at, loaded_by FROM calendar_years");
  while (stmt.step()) {
    CalendarYear y = domain::parse_calendar_year(stmt.column_view(1));
    years[y.year] = {std::move(y), fmt::format("store (loaded {} by {})", stmt.column_text(2),
                                               stmt.column_text(3))};
  }
  return years;
}

std::string calendar_version(store::Db& db) {
  auto stmt = db.prepare("SELECT count(*), coalesce(max(loaded_at), '') FROM calendar_years");
  stmt.step();
  return stmt.column_text(0) + "/" + stmt.column_text(1);
}

Json dates_json(const std::vector<Date>& dates) {
  Json out = Json::array();
  for (const auto& d : dates)
    out.push_back(d.iso());
  return out;
}

Json calendar_show(ActionContext& ctx) {
  auto years = effective_years(ctx.db());
  if (!ctx.params().contains("year")) {
    for (const auto& [year, src] : years)
      ctx.emit_row(
          {{"year", year}, {"holidays", src.year.holidays.size()}, {"source", src.origin}});
    return {{"years", std::move(ctx.collected)}};
  }
  int year = static_cast<int>(ctx.integer("year", 0));
  if (year < 1900 || year > 2200)
    fail(ErrorCode::bad_input, fmt::format("{} is not a calendar year credit handles", year));
  auto calendar = working_calendar(ctx.db());
  Json result = {{"year", year}, {"has_data", calendar->has_year(year)}};
  auto it = years.find(year);
  if (it != years.end()) {
    result["source"] = it->second.origin;
    result["papers"] = it->second.year.papers;
    Json holidays = Json::array();
    for (const auto& h : it->second.year.holidays)
      holidays.push_back(
          {{"name", h.name}, {"off", dates_json(h.off)}, {"work", dates_json(h.work)}});
    result["holidays"] = holidays;
  } else {
    result["source"] = nullptr;
    result["warning"] = fmt::format(
        "no calendar data for {}: working days are computed on weekends alone until the State "
        "Council notice is loaded with `credit calendar load`",
        year);
  }
  Date first = *Date::from_ymd(year, 1, 1);
  auto count = calendar->working_days_between(first.add_days(-1), *Date::from_ymd(year, 12, 31));
  result["working_days"] = count.count;
  return result;
}

// Days a notice sets in the previous year (a make-up Saturday in late December) join that year.
void merge_adjacent_days(const CalendarYear& loaded, std::map<int, YearSource>& years,
                         std::vector<CalendarYear>& to_store) {
  std::map<int, domain::HolidayPeriod> extra;
  for (const auto& [date, off] : loaded.adjacent_days) {
    auto& period = extra[date.year()];
    period.name = fmt::format("{}年安排", loaded.year);
    (off ? period.off : period.work).push_back(date);
  }
  for (auto& [year, period] : extra) {
    auto it = years.find(year);
    CalendarYear y = it != years.end() ? it->second.year : CalendarYear{};
    y.year = year;
    if (y.source.empty()) y.source = loaded.source;
    y.holidays.push_back(period);
    to_store.push_back(domain::parse_calendar_year(domain::to_calendar_json(y)));  // re-validated
  }
}

Json calendar_load(ActionContext& ctx) {
  if (ctx.call.inputs.empty())
    fail(ErrorCode::usage, "calendar.load needs a calendar file", "give the file to load");
  const auto& input = ctx.call.inputs.front();
  std::string text = io::read_all(*input.source, 1 << 20);
  CalendarYear year;
  try {
    year = text.find("\"days\"") != std::string::npos ? domain::parse_holiday_cn_year(text)
                                                      : domain::parse_calendar_year(text);
  } catch (const domain::CalendarError& e) {
    throw Error(
        ErrorCode::bad_input, fmt::format("{}: {}", input.name, e.what()),
        "give a calendar file in credit's format (share/calendar/README.md) or a holiday-cn "
        "year file");
  }
  if (year.holidays.empty() && year.off_days.empty())
    fail(ErrorCode::bad_input,
         fmt::format("{}: the file for {} lists no days", input.name, year.year),
         "load a year only once its State Council notice is published");
  if (year.source.empty()) year.source = input.name;
  auto years = effective_years(ctx.db());
  std::vector<CalendarYear> to_store = {year};
  merge_adjacent_days(year, years, to_store);
  // The whole calendar must still be consistent before anything is stored.
  std::vector<CalendarYear> all;
  for (auto& [y, src] : years)
    all.push_back(src.year);
  for (const auto& y : to_store) {
    std::erase_if(all, [&](const CalendarYear& c) { return c.year == y.year; });
    all.push_back(y);
  }
  try {
    domain::Calendar check(all);
  } catch (const domain::CalendarError& e) {
    throw Error(ErrorCode::bad_input, fmt::format("{}: {}", input.name, e.what()));
  }
  auto upsert = ctx.db().prepare(
      "INSERT INTO calendar_years (year, content, sha256, source, loaded_at, loaded_by) "
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (year) DO UPDATE SET content = excluded.content, "
      "sha256 = excluded.sha256, source = excluded.source, loaded_at = excluded.loaded_at, "
      "loaded_by = excluded.loaded_by");
  Json stored = Json::array();
  for (const auto& y : to_store) {
    std::string content = domain::to_calendar_json(y);
    upsert.bind(1, y.year)
        .bind(2, content)
        .bind(3, crypto::sha256_hex(content))
        .bind(4, input.name);
    upsert.bind(5, format_utc(ctx.clock.real_now())).bind(6, ctx.user.name).run();
    upsert.reset();
    stored.push_back(y.year);
    ctx.audit.targets.push_back(fmt::format("calendar:{}", y.year));
  }
  ctx.audit.params["sha256"] = crypto::sha256_hex(text);
  ctx.audit.params["file"] = input.name;
  return {{"loaded", year.year}, {"years_stored", stored}, {"holidays", year.holidays.size()}};
}

}  // namespace

std::shared_ptr<const domain::Calendar> working_calendar(store::Db& db) {
  static std::mutex mutex;
  static std::map<std::string, std::pair<std::string, std::shared_ptr<const domain::Calendar>>>
      cache;
  std::string version = calendar_version(db);
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(db.path());
    if (it != cache.end() && it->second.first == version) return it->second.second;
  }
  std::vector<CalendarYear> years;
  for (auto& [y, src] : effective_years(db))
    years.push_back(std::move(src.year));
  auto calendar = std::make_shared<const domain::Calendar>(years);
  std::lock_guard lock(mutex);
  cache[db.path()] = {version, calendar};
  return calendar;
}

void register_calendar_actions(ActionRegistry& r) {
  r.add({"calendar.show", "", Access::read, calendar_show,
         "show a year's holidays and working days"});
  r.add({"calendar.load", "policy.manage", Access::write, calendar_load,
         "load a year's State Council holiday notice"});
}

}  // namespace credit::service
