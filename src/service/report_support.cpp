#include "service/report_support.hpp"
#include "service/loading_batch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "domain/identifiers.hpp"
#include "domain/policy.hpp"
#include "io/kind_files.hpp"
#include "service/import_support.hpp"
#include "service/reference.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

constexpr int kMaxPeriodDays = 36600;

TimePoint china_midnight(domain::Date day) {
  using namespace std::chrono;
  return TimePoint(sys_days(days(day.days())) - kChinaOffset);
}

domain::Date parse_day(const ActionContext& ctx, const char* key, const std::string& text) {
  auto day = domain::Date::parse_iso(text);
  if (!day)
    fail(ErrorCode::bad_input,
         fmt::format("{}: --{} '{}' is not a date", ctx.call.action, key, text),
         "write the date as YYYY-MM-DD (China date), e.g. 2025-10-01");
  return *day;
}

Period parse_month(const ActionContext& ctx, const std::string& text) {
  auto first = text.size() == 7 ? domain::Date::parse_iso(text + "-01") : std::nullopt;
  if (!first)
    fail(ErrorCode::bad_input,
         fmt::format("{}: --month '{}' is not a month", ctx.call.action, text),
         "write the month as YYYY-MM, e.g. 2025-10");
  return month_of(*first);
}

}  // namespace

std::string Period::utc_from() const {
  return format_utc(china_midnight(from));
}

std::string Period::utc_until() const {
  return format_utc(china_midnight(to.add_days(1)));
}

Period month_of(domain::Date day) {
  auto first = *domain::Date::from_ymd(day.year(), day.month(), 1);
  return {first, first.add_months(1).add_days(-1)};
}

Period read_period(const ActionContext& ctx, const Period& fallback) {
  auto month = ctx.optional_string("month");
  auto from = ctx.optional_string("from");
  auto to = ctx.optional_string("to");
  if (month && (from || to)) fail(ErrorCode::usage, "give either --month or --from/--to, not both");
  if (month) return parse_month(ctx, *month);
  if (!from && !to) return fallback;
  if (!from)
    fail(ErrorCode::usage, "--to needs --from", "give the first day with --from YYYY-MM-DD");
  Period p{parse_day(ctx, "from", *from), to ? parse_day(ctx, "to", *to) : today(ctx)};
  if (p.to < p.from)
    fail(ErrorCode::bad_input,
         fmt::format("the period ends ({}) before it starts ({})", p.to.iso(), p.from.iso()),
         "give --from on or before --to");
  if (p.days() > kMaxPeriodDays)
    fail(ErrorCode::bad_input,
         fmt::format("the period {} to {} is longer than 100 years", p.from.iso(), p.to.iso()),
         "give a shorter period");
  return p;
}

std::optional<std::string> read_department(const ActionContext& ctx) {
  auto dept = ctx.optional_string("dept");
  if (!dept || dept->empty() || *dept == "*") {
    if (ctx.user.dept == "*") return std::nullopt;
    if (dept && *dept == "*")
      throw Error(ErrorCode::permission_denied,
                  fmt::format("permission denied: user '{}' reports for department {} only",
                              ctx.user.name, ctx.user.dept),
                  "only users of the credit centre ('*') see every department");
    return ctx.user.dept;
  }
  if (!domain::check_uscc(*dept).valid)
    fail(ErrorCode::bad_input,
         fmt::format("--dept '{}' is not a unified social credit code", *dept),
         "give the department's 18-character code (数据来源单位统一社会信用代码), or '*' for all");
  ctx.require_department(*dept, "its report");
  return *dept;
}

ReportScope read_scope(const ActionContext& ctx, const Period& fallback) {
  return {read_period(ctx, fallback), read_department(ctx), today(ctx)};
}

Buckets trend_buckets(const Period& period) {
  Buckets b;
  b.by_month = period.days() > 62;
  const auto start = b.by_month ? month_of(period.from).from : period.from;
  for (auto d = start; d <= period.to; d = b.by_month ? d.add_months(1) : d.add_days(1))
    b.keys.push_back(b.key_of(d.iso()));
  return b;
}

// ---- the document ----

Json report_document(ActionContext& ctx, std::string_view report, std::string_view title,
                     const ReportScope& scope, std::string_view basis) {
  Json doc = {{"report", report},
              {"title", title},
              {"period",
               {{"from", scope.period.from.iso()},
                {"to", scope.period.to.iso()},
                {"days", scope.period.days()},
                {"basis", basis}}},
              {"department", scope.dept ? Json(*scope.dept) : Json("*")},
              {"department_name", nullptr},
              {"generated_at", format_china(ctx.clock.real_now())},
              {"simulated_at", nullptr},
              {"today", scope.today.iso()},
              {"policy", active_policy(ctx.db())->profile.id},
              {"notes", Json::array()},
              {"sections", Json::array()}};
  if (scope.dept) {
    std::string name = department_name(ctx.db(), *scope.dept);
    if (!name.empty()) doc["department_name"] = name;
  }
  if (ctx.clock.simulated()) doc["simulated_at"] = format_china(ctx.clock.now());
  ctx.audit.params["report"] = report;
  ctx.audit.params["from"] = scope.period.from.iso();
  ctx.audit.params["to"] = scope.period.to.iso();
  ctx.audit.params["dept"] = doc["department"];
  return doc;
}

Json new_section(std::string_view id, std::string_view title, std::string_view description,
                 std::initializer_list<ColumnDef> columns) {
  Json cols = Json::array();
  for (const auto& c : columns)
    cols.push_back({{"key", c.key}, {"title", c.title}, {"type", c.type}});
  return {{"id", id},          {"title", title},        {"description", description},
          {"available", true}, {"columns", cols},       {"rows", Json::array()},
          {"chart", nullptr},  {"notes", Json::array()}};
}

void set_chart(Json& section, std::string_view type, std::string_view label,
               std::initializer_list<SeriesDef> series) {
  Json list = Json::array();
  for (const auto& s : series)
    list.push_back({{"key", s.key}, {"title", s.title}, {"tone", s.tone}});
  section["chart"] = {{"type", type}, {"label", label}, {"series", list}};
}

Json unavailable_section(std::string_view id, std::string_view title, std::string_view description,
                         std::string_view reason) {
  Json s = new_section(id, title, description, {});
  s["available"] = false;
  s["unavailable_reason"] = reason;
  return s;
}

Json figures_section(std::string_view id, std::string_view title, std::string_view description) {
  Json s =
      new_section(id, title, description,
                  {{"metric", "Metric", "text"}, {"name", "Figure", "text"}, {"value", "Value"}});
  set_chart(s, "figures", "name", {{"value", "Value"}});
  return s;
}

void add_figure(Json& section, std::string_view metric, std::string_view name, const Json& value) {
  section["rows"].push_back({{"metric", metric}, {"name", name}, {"value", value}});
}

Json ratio(int64_t part, int64_t whole) {
  if (whole == 0) return nullptr;
  return std::round(static_cast<double>(part) / static_cast<double>(whole) * 10000.0) / 10000.0;
}

// ---- counting ----

std::vector<std::pair<std::string, int64_t>> top_counts(const Counts& counts, size_t top,
                                                        const std::string& other_key) {
  std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (sorted.size() <= top) return sorted;
  int64_t rest = 0;
  for (size_t i = top; i < sorted.size(); ++i)
    rest += sorted[i].second;
  sorted.resize(top);
  sorted.emplace_back(other_key, rest);
  return sorted;
}

int64_t count_of(const Counts& counts, const std::string& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

size_t read_top(const ActionContext& ctx) {
  int64_t top = ctx.integer("top", 10);
  if (top < 1 || top > 100)
    fail(ErrorCode::bad_input, fmt::format("--top {} is out of range", top),
         "give a number from 1 to 100");
  return static_cast<size_t>(top);
}

namespace {
std::string first_name(store::Db& db, std::string_view sql, const std::string& uscc) {
  auto s = db.prepare(sql);
  s.bind(1, uscc);
  return s.step() ? s.column_text(0) : std::string();
}
}  // namespace

std::string department_name(store::Db& db, const std::string& uscc) {
  return first_name(db,
                    "SELECT source_dept FROM records WHERE source_dept_uscc = ? AND " +
                        visible_record("id") + " LIMIT 1",
                    uscc);
}

std::string authority_name(store::Db& db, const std::string& uscc) {
  // The natural key's index leads with the kind: naming every kind lets SQLite use it.
  return first_name(db,
                    "SELECT authority FROM records WHERE kind IN ('license', 'penalty', "
                    "'red', 'dishonest') AND authority_uscc = ? AND " +
                        visible_record("id") + " LIMIT 1",
                    uscc);
}

std::string kind_name(const std::string& kind) {
  auto k = domain::parse_kind(kind);
  return k ? io::shipped_kind_spec(*k).title : kind;
}

std::string status_name(std::string_view status) {
  if (status == "active") return "待公示";
  if (status == "published") return "公示中";
  if (status == "expired") return "已到期";
  if (status == "repaired") return "已修复";
  if (status == "revoked") return "已撤销";
  return std::string(status);
}

std::string severity_name(std::string_view severity) {
  auto s = domain::parse_severity(severity);
  return std::string(s ? domain::to_chinese(*s) : severity);
}

std::string disclosure_name(std::string_view disclosure) {
  if (disclosure == "public") return "社会公开";
  if (disclosure == "shared") return "政务共享";
  if (disclosure == "authorised") return "授权查询";
  return std::string(disclosure);
}

Json value_section(std::string_view id, std::string_view title, std::string_view description,
                   std::string_view column, std::string_view column_title, const Counts& counts,
                   int64_t total, const std::function<std::string(const std::string&)>& name_of) {
  Json s = new_section(id, title, description,
                       {{column, column_title, "text"},
                        {"name", "名称", "text"},
                        {"records", "Records"},
                        {"share", "Share", "ratio"}});
  set_chart(s, "bar", "name", {{"records", "Records"}});
  for (const auto& [value, n] : top_counts(counts, counts.size(), ""))
    s["rows"].push_back(
        {{column, value}, {"name", name_of(value)}, {"records", n}, {"share", ratio(n, total)}});
  return s;
}

Json authority_section(store::Db& db, std::string_view id, std::string_view title,
                       std::string_view description, const Counts& counts, int64_t total,
                       size_t top) {
  Json s = new_section(id, title, description,
                       {{"authority_uscc", "Authority code", "text"},
                        {"authority", "Authority", "text"},
                        {"records", "Records"},
                        {"share", "Share", "ratio"}});
  set_chart(s, "bar", "authority", {{"records", "Records"}});
  for (const auto& [uscc, n] : top_counts(counts, top, "")) {
    const bool other = uscc.empty();
    s["rows"].push_back({{"authority_uscc", other ? Json() : Json(uscc)},
                         {"authority", other ? std::string(kOtherName) : authority_name(db, uscc)},
                         {"records", n},
                         {"share", ratio(n, total)}});
  }
  return s;
}

std::string dept_condition(const ReportScope& scope, std::string_view column) {
  // Unary + keeps SQLite from choosing the department's own index over the report's covering
  // one: a department holds most of a store's rows, and reading them one by one takes seconds.
  return scope.dept ? fmt::format(" AND +{} = :dept", column) : std::string();
}

void bind_dept(store::Stmt& stmt, const ReportScope& scope) {
  if (scope.dept) stmt.bind(stmt.parameter_index(":dept"), *scope.dept);
}

}  // namespace credit::service
